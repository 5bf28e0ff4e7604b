import { registry } from "@web/core/registry";

// A small PDF, as a compliance officer would upload a scan.
const PDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

function uploadPdf(filename) {
    return {
        content: `Upload ${filename}`,
        trigger: ".modal div[name=file]",
        run() {
            const input = this.anchor.querySelector("input[type=file]");
            const transfer = new DataTransfer();
            transfer.items.add(new File([PDF], filename, { type: "application/pdf" }));
            input.files = transfer.files;
            input.dispatchEvent(new Event("change", { bubbles: true }));
        },
    };
}

function addDocument(requirement, documentType, filename) {
    return [
        {
            content: "Add a document",
            trigger: "div[name=document_ids] .o_field_x2many_list_row_add a:contains(Add a Document)",
            run: "click",
        },
        {
            content: `Requirement: ${requirement}`,
            trigger: ".modal div[name=requirement_id] input",
            run: `edit ${requirement}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item:contains(${requirement})`,
            run: "click",
        },
        {
            content: `Document type: ${documentType}`,
            trigger: ".modal div[name=document_type_id] input",
            run: `edit ${documentType}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item:contains(${documentType})`,
            run: "click",
        },
        uploadPdf(filename),
        {
            content: "The file is there",
            trigger: ".modal div[name=file] .o_clear_file_button",
        },
        {
            content: "Save the document",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The document is listed",
            trigger: `body:not(:has(.modal)) div[name=document_ids] .o_data_row:contains(${filename})`,
        },
    ];
}

// A compliance officer applies for German mobile numbers: creates the application
// from the country's card, fills the information, uploads one document, checks
// (one requirement has no document yet), uploads the second, checks again and submits.
registry.category("web_tour.tours").add("clienteling_compliance_application_tour", {
    steps: () => [
        {
            content: "Open the Compliance menu",
            trigger: ".o_menu_sections button:contains(Compliance)",
            run: "click",
        },
        {
            content: "Countries",
            trigger: ".dropdown-item:contains(Countries)",
            run: "click",
        },
        {
            content: "Germany's card: stores waiting, no application",
            trigger: ".o_kanban_record:contains(Germany):contains(No Application)",
            run: "click",
        },
        {
            content: "Germany's applications: none yet",
            trigger: ".o_breadcrumb:contains(Applications)",
        },
        {
            content: "New application",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "Choose the regulation",
            trigger: "div[name=regulation_id] input",
            run: "edit Germany: Mobile",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Germany: Mobile - Business)",
            run: "click",
        },
        {
            content: "Save: the checklist comes from the regulation",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The checklist asks for the business name",
            trigger: "div[name=line_ids] .o_data_row:contains(Business Name) td[name=value]",
            run: "click",
        },
        {
            content: "Type the legal name",
            trigger: "div[name=line_ids] .o_selected_row div[name=value] textarea",
            run: "edit Tour Retail GmbH",
        },
        {
            content: "Save the information",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved div[name=line_ids] .o_data_row:contains(Tour Retail GmbH)",
        },
        {
            content: "Open the Documents tab",
            trigger: ".o_notebook .nav-link:contains(Documents)",
            run: "click",
        },
        ...addDocument("Business Name", "commercial register", "handelsregister.pdf"),
        {
            content: "Save the application",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The Documents tab lists what the regulation asks for",
            trigger: "div[name=requirement_ids] .o_data_row:contains(Business Address):contains(Trade licence)",
        },
        {
            content: "Check",
            trigger: ".o_form_saved button[name=action_check]:contains(Check)",
            run: "click",
        },
        {
            content: "The check says which requirement has no document",
            trigger: ".o_notification:contains(not met):contains(No document yet for: Business Address)",
        },
        {
            content: "Close the notification",
            trigger: ".o_notification:contains(not met) .o_notification_close",
            run: "click",
        },
        {
            content: "Back on the Documents tab",
            trigger: ".o_notebook .nav-link:contains(Documents)",
            run: "click",
        },
        ...addDocument("Business Address", "Trade licence", "gewerbeanmeldung.pdf"),
        {
            content: "Save the application",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Check again",
            trigger: ".o_form_saved button[name=action_check]",
            run: "click",
        },
        {
            content: "Everything is there",
            trigger: ".o_notification:contains(Everything the regulation asks for is there)",
        },
        {
            content: "Submit",
            trigger: ".o_form_saved button[name=action_submit]",
            run: "click",
        },
        {
            content: "Submitted: the review takes about a week",
            trigger: ".o_notification:contains(was submitted)",
        },
        {
            content: "The statusbar shows Submitted",
            trigger: "div[name=state] .o_arrow_button_current:contains(Submitted)",
        },
        {
            content: "Nothing to check or submit any more",
            trigger: ".o_form_view:not(:has(button[name=action_submit])):not(:has(button[name=action_check]))",
        },
    ],
});

// A store manager sees the compliance warning of the store's country on the store
// form, and has no Compliance menu.
registry.category("web_tour.tours").add("clienteling_compliance_store_tour", {
    steps: () => [
        {
            content: "The store form warns about compliance",
            trigger: ".o_form_view .alert-warning:contains(Compliance:)",
        },
        {
            content: "The Clienteling menus are there",
            trigger: ".o_menu_sections button:contains(Customers)",
        },
        {
            content: "without Compliance",
            trigger: ".o_menu_sections:not(:has(:contains(Compliance)))",
        },
    ],
});
