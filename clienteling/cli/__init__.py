from . import clienteling_backfill
