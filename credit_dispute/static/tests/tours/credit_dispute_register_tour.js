import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("credit_dispute_register_tour", {
    steps: () => [
        {
            content: "The debtor disputes this invoice",
            trigger: ".o_form_view button[name='action_credit_register_dispute']",
            run: "click",
        },
        {
            content: "What it is about",
            trigger: ".modal .o_field_widget[name='category_id'] input",
            run: "edit Price or quantity",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Price or quantity wrong')",
            run: "click",
        },
        {
            content: "What the debtor says",
            trigger: ".modal .o_field_widget[name='description'] .odoo-editor-editable",
            run: "editor The agreed 10 % discount is missing",
        },
        {
            content: "Register it",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The invoice is marked as disputed",
            trigger: ".o_form_view .ribbon:contains('Disputed')",
        },
        {
            content: "Open its dispute",
            trigger: ".o_form_view button[name='action_credit_open_disputes']",
            run: "click",
        },
        {
            content: "Solved",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Solved')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='note'] .odoo-editor-editable",
            run: "editor Credit note for the discount sent",
        },
        {
            content: "Follow-up resumes now",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The dispute is resolved",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Resolved')",
        },
    ],
});
