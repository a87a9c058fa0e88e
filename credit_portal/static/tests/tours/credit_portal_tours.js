import { registry } from "@web/core/registry";

function setDate(days) {
    return function () {
        const date = new Date(Date.now() + days * 86400000);
        this.anchor.value = date.toISOString().slice(0, 10);
        this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
    };
}

/** Select the first two of three open invoices, check the running total, pay with the demo provider. */
function payTwoOfThree(total) {
    return [
        {
            content: "Three open invoices",
            trigger: "tr.o_credit_invoice_row:nth-child(3)",
        },
        {
            content: "Nothing selected yet: the button waits",
            trigger: "button.o_credit_pay_selected:disabled",
        },
        {
            content: "Select the first invoice",
            trigger: "tr.o_credit_invoice_row:nth-child(1) input.o_credit_invoice_check",
            run: "click",
        },
        {
            content: "Select the second invoice",
            trigger: "tr.o_credit_invoice_row:nth-child(2) input.o_credit_invoice_check",
            run: "click",
        },
        {
            content: "The running total is the sum of their open amounts",
            trigger: `.o_credit_selected_total:contains('${total}')`,
        },
        {
            content: "Pay selected",
            trigger: "button.o_credit_pay_selected:enabled",
            run: "click",
        },
        {
            content: "The payment page charges the server's total",
            trigger: `.o_credit_pay_total:contains('${total}')`,
        },
        {
            content: "Pay with the demo provider",
            trigger: "input[name='o_payment_radio'][data-payment-method-code='demo']",
            run: "click",
        },
        {
            trigger: "button[name='o_payment_submit_button']:enabled",
            run: "click",
        },
        {
            content: "Back on the paid tab: the two invoices are paid",
            trigger: "tr.o_credit_paid_row:nth-child(2)",
            timeout: 30000,
        },
        {
            trigger: "body:not(:has(tr.o_credit_paid_row:nth-child(3)))",
        },
        {
            content: "Back to the open invoices",
            trigger: ".o_credit_nav a:contains('Open invoices')",
            run: "click",
        },
        {
            content: "The third invoice is still open, alone",
            trigger: "tr.o_credit_invoice_row:nth-child(1)",
        },
        {
            trigger: "body:not(:has(tr.o_credit_invoice_row:nth-child(2)))",
        },
    ];
}

registry.category("web_tour.tours").add("credit_portal_debtor_tour", {
    steps: () => [
        ...payTwoOfThree("300.00"),
        {
            content: "Report a problem with the open invoice",
            trigger: "tr.o_credit_invoice_row a:contains('Report a problem')",
            run: "click",
        },
        {
            content: "The invoice is preselected",
            trigger: ".o_credit_choose input[name='invoice_ids']:checked",
        },
        {
            content: "What the problem is",
            trigger: "select[name='category_id']",
            run: "selectByLabel Product not as specified",
        },
        {
            trigger: "textarea[name='message']",
            run: "edit The machine still leaks after the service.",
        },
        {
            content: "Send it",
            trigger: "button.o_credit_send_complaint",
            run: "click",
        },
        {
            content: "Confirmed on screen",
            trigger: ".o_credit_sent",
        },
        {
            content: "Add a message",
            trigger: "textarea[name='message']",
            run: "edit A photo follows tomorrow.",
        },
        {
            trigger: "button.o_credit_send_message",
            run: "click",
        },
        {
            content: "The message is in the conversation",
            trigger: ".o_credit_message_body:contains('A photo follows tomorrow.')",
        },
    ],
});

registry.category("web_tour.tours").add("credit_portal_visitor_tour", {
    steps: () => [
        ...payTwoOfThree("330.00"),
        {
            content: "Propose a payment arrangement",
            trigger: ".o_credit_nav a:contains('Payment arrangement')",
            run: "click",
        },
        {
            trigger: ".o_credit_choose input[name='invoice_ids']",
            run: "click",
        },
        {
            content: "Two instalments",
            trigger: "select[name='count']",
            run: "select 2",
        },
        {
            trigger: "input[name='date_1']",
            run: setDate(10),
        },
        {
            trigger: "input[name='date_2']",
            run: setDate(40),
        },
        {
            trigger: "button.o_credit_propose",
            run: "click",
        },
        {
            content: "The proposal waits for the credit manager",
            trigger: ".o_credit_sent",
        },
        {
            trigger: ".o_credit_arrangement_row:contains('Proposed')",
        },
        {
            content: "Ask for a new address",
            trigger: ".o_credit_nav a:contains('Address')",
            run: "click",
        },
        {
            trigger: "input[name='street']",
            run: "edit Nieuwe Haven 5",
        },
        {
            trigger: "input[name='city']",
            run: "edit Vlissingen",
        },
        {
            trigger: "button.o_credit_request_change",
            run: "click",
        },
        {
            content: "Requested, not changed yet",
            trigger: ".o_credit_change_row:contains('Pending')",
        },
    ],
});
