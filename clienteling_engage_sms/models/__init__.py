from . import clienteling_conversation, clienteling_inbox_message
