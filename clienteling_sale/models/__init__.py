from . import clienteling_sale_credit, crm_team, sale_order
