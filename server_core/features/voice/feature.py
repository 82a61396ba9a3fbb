"""The voice feature: which service answers its operation, its event and errors, the watcher
it gives messaging (audio and video attachments are transcribed), the files' transcripts it
gives the drive, and the transcribing loop."""

from __future__ import annotations

from server_core.features.drive.transcripts import provide_transcripts
from server_core.features.messaging.attachment_watchers import watch_attachments
from server_core.features.voice import transcribe
from server_core.features.voice.errors import (
    AudioTooLarge,
    AudioUnreadable,
    NotAudio,
    TranscriptionFailed,
    TranscriptionUnavailable,
)
from server_core.features.voice.events import VoiceTranscribed
from server_core.features.voice.files import PROVIDER
from server_core.features.voice.operations import Voice
from server_core.features.voice.watcher import WATCHER
from server_core.features.voice.worker import transcribe_voice_messages
from server_core.kernel.feature import Feature, Loop

watch_attachments(WATCHER)
provide_transcripts(PROVIDER)

FEATURE = Feature(
    "voice",
    serves={Voice.transcribe: transcribe.do_transcribe},
    events=[VoiceTranscribed],
    errors=[
        NotAudio,
        AudioUnreadable,
        AudioTooLarge,
        TranscriptionFailed,
        TranscriptionUnavailable,
    ],
    loops=[Loop("voice transcription", transcribe_voice_messages)],
)
