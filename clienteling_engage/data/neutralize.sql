-- Engage: a copied (neutralized) database must not read the stores' mailboxes.
UPDATE clienteling_mail_account SET active = false;
