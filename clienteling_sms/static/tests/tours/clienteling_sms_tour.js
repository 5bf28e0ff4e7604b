import { registry } from "@web/core/registry";

// An associate texts an opted-in customer, then the customer (simulated on the
// sandbox) answers STOP: the conversation shows the opt-out and offers no composer.
registry.category("web_tour.tours").add("clienteling_sms_conversation_tour", {
    steps: () => [
        {
            content: "Open Jane's conversation",
            trigger: ".o_data_row td:contains(Jane Doe)",
            run: "click",
        },
        {
            content: "Write a text",
            trigger: "button[name=action_open_composer]",
            run: "click",
        },
        {
            content: "Type the message",
            trigger: ".modal div[name=body] textarea",
            run: "edit Your coat is ready, Jane!",
        },
        {
            content: "Send",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "Play the customer: reply STOP",
            trigger: "button[name=action_simulate_reply]",
            run: "click",
        },
        {
            content: "Type STOP",
            trigger: ".modal div[name=body] textarea",
            run: "edit STOP",
        },
        {
            content: "Receive it",
            trigger: ".modal button[name=action_simulate]",
            run: "click",
        },
        {
            content: "The conversation says the customer opted out",
            trigger: ".alert-danger:contains(opted out of texts)",
        },
        {
            content: "No composer any more",
            trigger: ".o_form_view:not(:has(button[name=action_open_composer]))",
        },
        {
            content: "Open the chat",
            trigger: "button[name=action_open_chat]",
            run: "click",
        },
        {
            content: "The text is in the chat, delivered",
            trigger: ".o-mail-Message:contains(Your coat is ready, Jane!) .o-clienteling-TextState[data-state=delivered]",
        },
        {
            content: "and the customer's STOP after it",
            trigger: ".o-mail-Message:contains(STOP)",
        },
    ],
});
