import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("credit_segmentation_tour", {
    url: "/odoo/action-credit_segmentation.action_credit_segment",
    steps: () => [
        {
            content: "The segment list shows each segment's debtors and their average risk as a badge",
            trigger: ".o_data_row:contains('Tour risky') .o_credit_risk_badge",
        },
        {
            content: "Open the segment",
            trigger: ".o_data_cell:contains('Tour risky')",
            run: "click",
        },
        {
            content: "Simulate other criteria",
            trigger: ".o_form_view button[name='action_simulate']",
            run: "click",
        },
        {
            content: "With the stored criteria nobody moves",
            trigger: ".modal .o_field_widget[name='move_count']:contains(0)",
        },
        {
            content: "Try a lower risk threshold",
            trigger: ".modal .o_field_widget[name='risk_min'] input",
            run: "edit 0",
        },
        {
            content: "Simulate",
            trigger: ".modal button[name='action_preview']",
            run: "click",
        },
        {
            content: "The debtors would move from the default segment to this one",
            trigger: ".modal .o_field_widget[name='line_ids'] .o_data_row:contains('Tour rest'):contains('Tour risky')",
        },
        {
            content: "Close without saving anything",
            trigger: ".modal footer button:contains(Close)",
            run: "click",
        },
        {
            content: "The segment's criteria are unchanged",
            trigger: "body:not(:has(.modal)) .o_form_view .o_field_widget[name='risk_min'] input:value(90.00)",
        },
        {
            content: "Open its debtors",
            trigger: ".o_form_view button[name='action_view_debtors']",
            run: "click",
        },
        {
            content: "None yet: the simulation wrote nothing",
            trigger: ".o_list_view:not(:has(.o_data_row))",
        },
    ],
});
