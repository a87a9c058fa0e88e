import { registry } from "@web/core/registry";

// Started on the "Solved" link of a responsible's e-mail (see tests/test_resolve_links.py), not logged in.
registry.category("web_tour.tours").add("credit_dispute_resolve_tour", {
    steps: () => [
        {
            content: "The page names the dispute and asks to confirm it is solved",
            trigger: ".o_credit_dispute_name:contains('DSP/')",
        },
        {
            trigger: "h2:contains('Mark this dispute as solved')",
        },
        {
            content: "Say what was done",
            trigger: "textarea[name='note']",
            run: "edit Replaced the damaged pallet",
        },
        {
            content: "Follow-up resumes on a date",
            trigger: "input[name='resume'][value='date']",
            run: "click",
        },
        {
            content: "Pick the date",
            trigger: "input[name='resume_date']",
            run() {
                this.anchor.value = "2030-12-31";
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Confirm",
            trigger: "button.o_credit_dispute_confirm",
            run: "click",
        },
        {
            content: "The dispute is solved; follow-up resumes on the chosen date",
            trigger: ".o_credit_dispute_done:contains('The dispute is solved.'):contains('resumes on')",
        },
    ],
});
