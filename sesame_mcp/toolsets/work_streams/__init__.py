"""The `work_streams` feature's tools, over `/work-streams`: toolset `work_streams`
(`work_streams.py`): start a stream for a piece of work, append its output, finish it
(advancing its task and waking whoever should hear), and read streams and their output."""

from sesame_mcp.toolsets.work_streams.work_streams import TOOLSET as WORK_STREAMS

__all__ = ["WORK_STREAMS"]
