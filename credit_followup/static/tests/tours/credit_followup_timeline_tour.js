import { registry } from "@web/core/registry";

const TIMELINE = ".o_field_widget[name=timeline] .o_credit_followup_timeline";
const SHOWS = [
    ".o_credit_timeline_due",
    ".o_credit_timeline_step:contains(Courtesy reminder)",
    ".o_credit_timeline_step:contains(Second reminder)",
    ".o_credit_timeline_step_final:contains(Final notice)",
];

registry.category("web_tour.tours").add("credit_followup_timeline_tour", {
    url: "/odoo/action-credit_followup.action_credit_followup_profile",
    steps: () => [
        {
            content: "Open the profile B2B standard",
            trigger: ".o_data_cell:contains(B2B standard), .o_kanban_record:contains(B2B standard)",
            run: "click",
        },
        {
            content: "The timeline shows the due date and the profile's steps",
            trigger: TIMELINE + SHOWS.map((selector) => `:has(${selector})`).join(""),
        },
        {
            content: "Open the step First reminder from its marker",
            trigger: `${TIMELINE} .o_credit_timeline_step:contains(First reminder)`,
            run: "click",
        },
        {
            content: "The step opens in a dialog",
            trigger: ".modal .o_form_view [name=name] input:value(First reminder)",
        },
        {
            content: "Close the dialog",
            trigger: ".modal .modal-header .btn-close",
            run: "click",
        },
        {
            content: "Back on the profile, its timeline still shown",
            trigger: `body:not(:has(.modal)) ${TIMELINE} .o_credit_timeline_step:contains(First reminder)`,
        },
    ],
});
