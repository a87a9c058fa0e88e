import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("credit_whatsapp_compose_tour", {
    steps: () => [
        {
            content: "Open the debtor's credit follow-up tab",
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Credit follow-up')",
            run: "click",
        },
        {
            content: "Answer the debtor on WhatsApp from its contact form",
            trigger: ".o_form_view button[name='action_credit_whatsapp_compose']",
            run: "click",
        },
        {
            content: "The dialog says the debtor wrote within 24 hours: free text is allowed",
            trigger: ".modal .alert-info:contains('24 hours')",
        },
        {
            trigger: ".modal .o_field_widget[name='mode'] input[data-value='text']:checked",
        },
        {
            content: "Write the answer",
            trigger: ".modal .o_field_widget[name='body'] textarea",
            run: "edit Natuurlijk, ik bel u om 14:00.",
        },
        {
            content: "Send it",
            trigger: ".modal button[name='action_send']",
            run: "click",
        },
        {
            content: "The answer is on the debtor's chatter",
            trigger: ".o-mail-Chatter .o-mail-Message-body:contains('ik bel u om 14:00')",
        },
    ],
});
