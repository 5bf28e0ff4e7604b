-- A neutralized copy of the database must not text real customers.
UPDATE clienteling_sms_account SET active = false;
