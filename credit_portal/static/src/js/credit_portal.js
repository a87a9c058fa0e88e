/** @odoo-module **/
/* The debtor's open-invoice page: a running total per currency of the selected invoices, and the
   instalment dates of a payment arrangement. The server checks and computes everything again. */

function formatAmount(amount, box, form) {
    // the user's language separators (res.lang), as Odoo prints the amounts next to it
    const digits = parseInt(box.dataset.digits || "2", 10);
    const [whole, decimals] = amount.toFixed(digits).split(".");
    const sep = form.dataset.thousandsSep ?? ",";
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    const text = decimals ? `${grouped}${form.dataset.decimalPoint || "."}${decimals}` : grouped;
    return box.dataset.position === "before" ? `${box.dataset.symbol}\u00a0${text}` : `${text}\u00a0${box.dataset.symbol}`;
}

function updateTotals(form) {
    const boxes = [...form.querySelectorAll(".o_credit_invoice_check:checked")];
    const totals = new Map();
    for (const box of boxes) {
        const entry = totals.get(box.dataset.currency) || { amount: 0, box };
        entry.amount += parseFloat(box.dataset.amount);
        totals.set(box.dataset.currency, entry);
    }
    const parts = [...totals.values()].map(({ amount, box }) => formatAmount(amount, box, form));
    form.querySelector(".o_credit_selected_total").textContent = parts.length ? parts.join(" + ") : "–";
    const mixed = totals.size > 1;
    form.querySelector(".o_credit_mixed").classList.toggle("d-none", !mixed);
    form.querySelector(".o_credit_pay_selected").disabled = !boxes.length || mixed;
    const amountInput = form.querySelector(".o_credit_amount");
    if (totals.size === 1) {
        const [{ amount, box }] = totals.values();
        amountInput.value = amount.toFixed(parseInt(box.dataset.digits || "2", 10));
    } else {
        amountInput.value = "";
    }
}

function updateInstalments(form) {
    const count = parseInt(form.querySelector(".o_credit_instalment_count").value, 10);
    for (const cell of form.querySelectorAll(".o_credit_instalment")) {
        const shown = parseInt(cell.dataset.index, 10) <= count;
        cell.classList.toggle("d-none", !shown);
        cell.querySelector("input").required = shown;
    }
}

function setup() {
    for (const form of document.querySelectorAll(".o_credit_pay_form")) {
        if (!form.querySelector(".o_credit_selected_total")) {
            continue;
        }
        form.addEventListener("change", (ev) => {
            if (ev.target.classList.contains("o_credit_check_all")) {
                for (const box of form.querySelectorAll(".o_credit_invoice_check")) {
                    box.checked = ev.target.checked;
                }
            }
            updateTotals(form);
        });
        updateTotals(form);
    }
    for (const form of document.querySelectorAll(".o_credit_arrangement_form")) {
        form.querySelector(".o_credit_instalment_count").addEventListener("change", () => updateInstalments(form));
        updateInstalments(form);
    }
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
} else {
    setup();
}
