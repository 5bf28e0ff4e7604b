import { registry } from "@web/core/registry";

// An associate finds a customer's text in Discuss, answers with a quick reply
// (:shortcut), sees it delivered, then tries to text an opted-out customer: refused
// with the reason, nothing sent.
registry.category("web_tour.tours").add("clienteling_sms_discuss_tour", {
    steps: () => [
        {
            content: "The Texts category lists Jane's chat, unread",
            trigger: ".o-clienteling-DiscussSidebarCategory-texts",
        },
        {
            content: "Open Jane's chat",
            trigger: ".o-mail-DiscussSidebarChannel:contains(Jane Doe):has(.badge)",
            run: "click",
        },
        {
            content: "Her text is there",
            trigger: ".o-mail-Message:contains(Is my coat ready?)",
        },
        {
            content: "Type a quick reply shortcut",
            trigger: ".o-mail-Composer-input",
            run: "edit :coat",
        },
        {
            content: "Pick the quick reply",
            trigger: ".o-mail-Composer-suggestionList .o-mail-NavigableList-item:contains(coat-ready)",
            run: "click",
        },
        {
            content: "Send it",
            trigger: ".o-mail-Composer-input",
            run: "press Enter",
        },
        {
            content: "Sent, filled for Jane, and delivered",
            trigger: ".o-mail-Message:contains(Hi Jane, your coat is ready) .o-clienteling-TextState[data-state=delivered]",
        },
        {
            content: "Open the opted-out customer's chat",
            trigger: ".o-mail-DiscussSidebarChannel:contains(Paul Martin)",
            run: "click",
        },
        {
            content: "Her chat is open",
            trigger: ".o-mail-Message:contains(Thanks)",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Are you coming today?",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "press Enter",
        },
        {
            content: "Refused with the reason",
            trigger: ".modal:contains(opted out)",
        },
        {
            content: "Close the message",
            trigger: ".modal .btn-primary",
            run: "click",
        },
        {
            content: "Nothing was added to the chat, and the words are back in the composer",
            trigger: ".o-mail-Thread:not(:has(.o-mail-Message:contains(Are you coming today?)))",
        },
    ],
});
