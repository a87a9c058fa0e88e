import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("credit_followup_worklist_tour", {
    url: "/odoo/action-credit_followup.action_credit_followup_worklist",
    steps: () => [
        {
            content: "The overdue debtor is on today's worklist",
            trigger: ".o_list_view .o_data_row:contains('Tour Debtor BV')",
        },
        {
            content: "Log a call with this debtor",
            trigger: ".o_data_row:contains('Tour Debtor BV') button[name='action_log_contact']",
            run: "click",
        },
        {
            content: "The outcome is a promise to pay",
            trigger: ".modal .o_field_widget[name='outcome'] select",
            run: "selectByLabel Promise to pay",
        },
        {
            content: "The debtor pays in a few weeks",
            trigger: ".modal .o_field_widget[name='promise_date'] input",
            run: "edit 12/31/2030",
        },
        {
            trigger: ".modal .o_field_widget[name='note'] .odoo-editor-editable",
            run: "editor Will pay after the year-end close",
        },
        {
            content: "Log it",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Paused, the debtor has no action due any more: show all debtors",
            trigger: ".o_searchview_facet:contains('Action due') .o_facet_remove",
            run: "click",
        },
        {
            content: "Open the debtor",
            trigger: ".o_data_row:contains('Tour Debtor BV') td[name='partner_id']",
            run: "click",
        },
        {
            content: "Its follow-up tab",
            trigger: ".o_notebook a[name='credit_followup']",
            run: "click",
        },
        {
            content: "The invoice is paused for the promise",
            trigger: ".o_field_widget[name='credit_invoice_ids'] .o_data_row:contains('Paused'):contains('Promise to pay')",
        },
    ],
});
