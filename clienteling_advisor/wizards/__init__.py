from . import clienteling_advisor_snooze_wizard
