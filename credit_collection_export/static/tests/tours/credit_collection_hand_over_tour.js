import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("credit_collection_hand_over_tour", {
    steps: () => [
        {
            content: "Open the invoice's actions",
            trigger: ".o_form_view .o_cp_action_menus button",
            run: "click",
        },
        {
            content: "Hand it over to a collection agency",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('Hand over to a collection agency')",
            run: "click",
        },
        {
            content: "Choose the agency",
            trigger: ".modal .o_field_widget[name='agency_id'] input",
            run: "edit Tour Incasso",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Incasso B.V.')",
            run: "click",
        },
        {
            content: "One debtor",
            trigger: ".modal .o_field_widget[name='partner_count']:contains('1')",
        },
        {
            content: "Hand over",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The case is open at the agency",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Handed over')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='agency_id']:contains('Tour Incasso B.V.')",
        },
        {
            content: "Take it back",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_recall']",
            run: "click",
        },
        {
            content: "Confirm the recall",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The case is recalled",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Recalled')",
        },
    ],
});
