from . import (
    test_advisor_kpi,
    test_advisor_list_builders,
    test_advisor_lists,
    test_advisor_live,
    test_advisor_refresh,
    test_advisor_reporting,
    test_advisor_security,
    test_advisor_security_boundaries,
    test_advisor_table_rebuild,
    test_company_defaults,
    test_home,
    test_ui,
)
