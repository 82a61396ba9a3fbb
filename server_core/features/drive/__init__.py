"""The drive: files behind signed links, folders, channel tags, and message attachments."""
