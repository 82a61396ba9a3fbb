"""`sesame-mcp hook`: what an IDE's hook configuration runs on each event (Claude Code,
Cursor). It reads the hook's JSON on stdin, forwards it to the platform's
`POST /api/v1/sessions/hook` with the configured credential, and prints the reply the way the
IDE reads it:

- Claude Code: `hookSpecificOutput` with `permissionDecision: "deny"` and its reason when
  another session holds the file (nothing on allow: Claude Code's own permission rules stay in
  charge), `additionalContext` on SessionStart (the team briefing) and UserPromptSubmit;
- Cursor: `{"permission": "allow" | "deny", "user_message", "agent_message"}` on the
  permission events, `{"additional_context"}` on sessionStart, `{"continue": true}` on
  beforeSubmitPrompt, `{}` otherwise.

What is sent is snake_case as the platform's hook expects: `event` (the IDE's event name),
`agent_type` (`claude-code` or `cursor`), `conversation_id` (Claude Code's `session_id`,
Cursor's `conversation_id`), `workspace_slug` when configured, and the tool, file path, cwd and
prompt of the event.

It never blocks the IDE: when the platform cannot be reached, refuses, or answers nonsense, it
allows (exit status 0, the allowing reply or nothing) and writes one line on stderr. It imports
no more than it needs: it runs on every tool call.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

CLAUDE_CODE = "claude-code"
CURSOR = "cursor"
TIMEOUT = 5.0  # seconds the IDE waits for the platform at most
HOOK_PATH = "/api/v1/sessions/hook"
MAX_PROMPT = 100_000

# Events by what the IDE expects back (lowercase, any spelling).
PERMISSION_EVENTS = frozenset(
    {"pretooluse", "beforereadfile", "beforeshellexecution", "beforemcpexecution"}
)
START_EVENTS = frozenset({"sessionstart"})
PROMPT_EVENTS = frozenset({"userpromptsubmit", "beforesubmitprompt"})
PATH_KEYS = ("file_path", "path", "notebook_path", "target_file", "filePath")
LOCAL_PLATFORM = "http://127.0.0.1:8080"  # the embedded platform of ./scripts/serve


@dataclass(frozen=True)
class Target:
    """Where and as whom the hook forwards: the platform's URL, the authorization header and
    the workspace slug to send."""

    api_url: str
    authorization: str
    workspace_slug: str | None = None


def ide_of(event: Mapping[str, Any], given: str | None = None) -> str:
    """Which IDE sent the event: `given`, else Cursor when it looks like Cursor's (camelCase
    events, `conversation_id`, `cursor_version`), else Claude Code."""
    if given in (CLAUDE_CODE, CURSOR):
        return given
    name = str(event.get("hook_event_name") or "")
    if "cursor_version" in event or "conversation_id" in event or name[:1].islower():
        return CURSOR
    return CLAUDE_CODE


def payload(event: Mapping[str, Any], ide: str, workspace_slug: str | None) -> dict[str, Any]:
    """The platform hook's body for an IDE event."""
    name = str(event.get("hook_event_name") or event.get("event") or "")
    body: dict[str, Any] = {"event": name, "agent_type": ide}
    conversation = event.get("conversation_id") or event.get("session_id")
    if conversation:
        body["conversation_id"] = str(conversation)
    if workspace_slug:
        body["workspace_slug"] = workspace_slug
    tool_input = event.get("tool_input")
    if isinstance(tool_input, str):  # Cursor's MCP events send it as JSON text
        try:
            tool_input = json.loads(tool_input)
        except ValueError:
            tool_input = None
    if isinstance(tool_input, dict):
        body["tool_input"] = tool_input
    if event.get("tool_name"):
        body["tool_name"] = str(event["tool_name"])
    elif name.lower() == "beforereadfile":  # a read: never to be refused
        body["tool_name"] = "Read"
    file_path = event.get("file_path")
    if not file_path and isinstance(tool_input, dict):
        file_path = next((tool_input[k] for k in PATH_KEYS if tool_input.get(k)), None)
    if isinstance(file_path, str) and file_path:
        body["file_path"] = file_path
    roots = event.get("workspace_roots")
    cwd = event.get("cwd") or (roots[0] if isinstance(roots, list) and roots else None)
    if isinstance(cwd, str) and cwd:
        body["cwd"] = cwd
    prompt = event.get("prompt")
    if isinstance(prompt, str) and prompt:
        body["prompt"] = prompt[:MAX_PROMPT]
    for name_ in ("model", "user_name"):
        if isinstance(event.get(name_), str):
            body[name_] = event[name_]
    if isinstance(event.get("user_email"), str) and "user_name" not in body:
        body["user_name"] = event["user_email"]
    return body


def reply(event_name: str, ide: str, answer: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What to print for the IDE (None: nothing). `answer` is the platform's reply, None when
    it failed: the IDE is then let through."""
    kind = event_name.replace("_", "").lower()
    answer = answer or {}
    denied = answer.get("permission") == "deny"
    message = answer.get("message")
    context = answer.get("additional_context")
    if ide == CLAUDE_CODE:
        hook_name = event_name or "PreToolUse"
        if kind in PERMISSION_EVENTS and denied:
            reason = message or "Another session holds this file."
            return {
                "hookSpecificOutput": {
                    "hookEventName": hook_name,
                    "permissionDecision": "deny",
                    "permissionDecisionReason": reason,
                }
            }
        if context and (kind in START_EVENTS or kind in PROMPT_EVENTS or kind == "posttooluse"):
            return {
                "hookSpecificOutput": {"hookEventName": hook_name, "additionalContext": context}
            }
        return None
    if kind in PERMISSION_EVENTS:
        if not denied:
            return {"permission": "allow"}
        said = message or "Another session holds this file."
        return {"permission": "deny", "user_message": said, "agent_message": said}
    if kind in PROMPT_EVENTS:
        return {"continue": True}
    if kind in START_EVENTS and context:
        return {"additional_context": context}
    return {}


def target_from_env(
    env: Mapping[str, str],
    *,
    api_url: str | None = None,
    api_key: str | None = None,
    workspace_slug: str | None = None,
    data_dir: str | None = None,
) -> Target:
    """The platform and credential from flags, else `SESAME_API_URL` and `SESAME_API_KEY`
    (or `SESAME_AGENT_HANDLE` + `SESAME_PRIVATE_KEY`). With `data_dir` (what
    `./scripts/serve` runs on), the local agent's key is read from its `agent.json` and the
    platform is `LOCAL_PLATFORM` unless told otherwise. Raises ValueError naming what is
    missing."""
    url = api_url or env.get("SESAME_API_URL") or (LOCAL_PLATFORM if data_dir else None)
    if not url:
        raise ValueError("no platform URL: set SESAME_API_URL (or --api-url, or --data-dir)")
    key = api_key or env.get("SESAME_API_KEY") or (_local_key(data_dir) if data_dir else None)
    if key:
        authorization = f"Bearer {key}"
    elif env.get("SESAME_AGENT_HANDLE") and env.get("SESAME_PRIVATE_KEY"):
        from sesame_mcp.client.auth import AgentKey  # the slower path: the whole client

        agent = AgentKey(env["SESAME_AGENT_HANDLE"], env["SESAME_PRIVATE_KEY"])
        authorization = agent.authorization()
    else:
        raise ValueError("no credential: set SESAME_API_KEY (or --api-key)")
    slug = workspace_slug or env.get("SESAME_WORKSPACE") or None
    return Target(_root(url), authorization, slug)


def _local_key(data_dir: str) -> str:
    """The local agent's API key from a data dir's `agent.json`."""
    path = os.path.join(data_dir, "agent.json")
    try:
        with open(path, encoding="utf-8") as file:
            key = json.load(file).get("apiKey")
    except (OSError, ValueError, AttributeError) as error:
        raise ValueError(f"no local agent key in {path}: {error}") from error
    if not isinstance(key, str) or not key:
        raise ValueError(f"no local agent key in {path}")
    return key


def _root(url: str) -> str:
    root = url.rstrip("/")
    return root[: -len("/api/v1")] if root.endswith("/api/v1") else root


def forward(target: Target, body: Mapping[str, Any], *, timeout: float = TIMEOUT) -> dict[str, Any]:
    """POST the body to the platform's hook; its reply's data. Raises `HookFailed`."""
    import httpx2

    try:
        response = httpx2.post(
            target.api_url + HOOK_PATH,
            json=dict(body),
            headers={"Authorization": target.authorization},
            timeout=timeout,
        )
    except httpx2.HTTPError as error:
        raise HookFailed(f"cannot reach {target.api_url}: {error.__class__.__name__}") from error
    try:
        document = response.json()
    except ValueError:
        document = None
    if response.status_code >= 400:
        said = ""
        if isinstance(document, dict):
            problem = document.get("error")
            said = str(problem.get("message") if isinstance(problem, dict) else problem or "")
        raise HookFailed(f"the platform answered {response.status_code} {said}".rstrip())
    # The reply in the platform's envelope, or bare (the compatibility routes answer so).
    data = document.get("data", document) if isinstance(document, dict) else None
    if not isinstance(data, dict):
        raise HookFailed("the platform's answer is not a hook reply")
    return data


class HookFailed(Exception):
    """The platform did not answer the hook usefully."""


def run(
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    *,
    env: Mapping[str, str] | None = None,
    ide: str | None = None,
    api_url: str | None = None,
    api_key: str | None = None,
    workspace_slug: str | None = None,
    data_dir: str | None = None,
    timeout: float = TIMEOUT,
) -> int:
    """One hook event, start to end; always 0 (the IDE is never blocked by a failure)."""
    env = os.environ if env is None else env
    try:
        event = json.loads(stdin.read() or "{}")
    except ValueError:
        stderr.write("sesame-mcp hook: stdin is not JSON; allowed\n")
        return 0
    if not isinstance(event, dict):
        stderr.write("sesame-mcp hook: stdin is not a JSON object; allowed\n")
        return 0
    which = ide_of(event, ide)
    name = str(event.get("hook_event_name") or event.get("event") or "")
    answer: dict[str, Any] | None = None
    try:
        target = target_from_env(
            env,
            api_url=api_url,
            api_key=api_key,
            workspace_slug=workspace_slug,
            data_dir=data_dir,
        )
        answer = forward(target, payload(event, which, target.workspace_slug), timeout=timeout)
    except (ValueError, HookFailed) as error:
        stderr.write(f"sesame-mcp hook: {error}; allowed\n")
    except Exception as error:  # never block the IDE, whatever went wrong
        stderr.write(f"sesame-mcp hook: {error.__class__.__name__}: {error}; allowed\n")
    printed = reply(name, which, answer)
    if printed is not None:
        stdout.write(json.dumps(printed) + "\n")
    return 0


def main(**options: Any) -> None:
    """The CLI's entry: stdin, stdout and stderr of this process."""
    code = run(sys.stdin, sys.stdout, sys.stderr, **options)
    sys.exit(code)
