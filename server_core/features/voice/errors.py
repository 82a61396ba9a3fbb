"""Errors of voice transcription, on top of the kernel's tree (`server_core.kernel.errors`):

BadRequest
├── NotAudio                    400 not_audio                  (the file is neither audio nor video)
└── AudioUnreadable             400 audio_unreadable           (the engine cannot read it)
PayloadTooLarge
└── AudioTooLarge               413 audio_too_large            (over `voice_max_bytes`)
TranscriptionFailed             502 transcription_failed       (the engine did not answer)
ServiceUnavailable
└── TranscriptionUnavailable    503 transcription_unavailable  (no engine configured)
"""

from __future__ import annotations

from server_core.kernel.errors import ApiError, BadRequest, PayloadTooLarge, ServiceUnavailable


class NotAudio(BadRequest):
    code = "not_audio"
    default_message = "Only audio and video files can be transcribed"


class AudioUnreadable(BadRequest):
    code = "audio_unreadable"
    default_message = "The transcription engine cannot read this recording"


class AudioTooLarge(PayloadTooLarge):
    code = "audio_too_large"
    default_message = "The recording is larger than this server transcribes"


class TranscriptionFailed(ApiError):
    status = 502
    code = "transcription_failed"
    default_message = "The transcription engine did not answer; try again later"


class TranscriptionUnavailable(ServiceUnavailable):
    code = "transcription_unavailable"
    default_message = "Transcription is not configured on this server (SESAME_VOICE_ENGINE)"
