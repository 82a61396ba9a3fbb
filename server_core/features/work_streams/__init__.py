"""Work streams: live output of a piece of work, its status inline in a channel, and what
happens when it finishes (the linked task advanced, people woken)."""
