from . import clienteling_inbox_assign, mail_compose_message
