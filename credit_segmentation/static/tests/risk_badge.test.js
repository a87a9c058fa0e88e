import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { describe, expect, test } from "@odoo/hoot";
import { queryAllAttributes } from "@odoo/hoot-dom";
import { defineModels, fields, models, mountView } from "@web/../tests/web_test_helpers";

// Runs as the hoot suite "@credit_segmentation/risk_badge" (filter: suite "@credit_segmentation").
describe.current.tags("desktop");

// a model of its own: the mail models already define res.partner (with the current user's partner)
class Debtor extends models.Model {
    _name = "x.debtor";

    name = fields.Char();
    credit_risk_score = fields.Float();

    _records = [
        { id: 1, name: "Prompt payer", credit_risk_score: 12.4 },
        { id: 2, name: "Sometimes late", credit_risk_score: 30 },
        { id: 3, name: "Often late", credit_risk_score: 59.6 },
        { id: 4, name: "Defaulter", credit_risk_score: 87.2 },
    ];

    _views = {
        list: /* xml */ `
            <list>
                <field name="name"/>
                <field name="credit_risk_score" widget="credit_risk_badge"/>
            </list>
        `,
        form: /* xml */ `
            <form>
                <field name="name"/>
                <field name="credit_risk_score" widget="credit_risk_badge"/>
            </form>
        `,
    };
}

defineMailModels();
defineModels([Debtor]);

test("the score is a rounded badge coloured by risk band (low < 30 ≤ medium < 60 ≤ high)", async () => {
    await mountView({ type: "list", resModel: "x.debtor" });
    expect(".o_credit_risk_badge").toHaveCount(4);
    expect(queryAllAttributes(".o_credit_risk_badge", "data-band")).toEqual([
        "low",
        "medium",
        "medium",
        "high",
    ]);
    expect(".o_data_row:eq(0) .o_credit_risk_badge").toHaveClass("text-bg-success");
    expect(".o_data_row:eq(1) .o_credit_risk_badge").toHaveClass("text-bg-warning");
    expect(".o_data_row:eq(3) .o_credit_risk_badge").toHaveClass("text-bg-danger");
    expect(queryAllAttributes(".o_credit_risk_badge", "title")).toEqual([
        "Low risk",
        "Medium risk",
        "Medium risk",
        "High risk",
    ]);
});

test("on a form the badge says the band in words", async () => {
    await mountView({ type: "form", resModel: "x.debtor", resId: 4 });
    expect(".o_credit_risk_badge").toHaveText(/^87/);
    expect(".o_credit_risk_badge .o_credit_risk_badge_label").toHaveText("High risk");
});
