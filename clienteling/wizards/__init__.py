from . import clienteling_client_book_reassign
