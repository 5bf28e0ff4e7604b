from . import clienteling_client_book_reassign
from . import clienteling_inbox_assign, mail_compose_message
