import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { describe, expect, test } from "@odoo/hoot";
import { queryAll, queryAllAttributes, queryAllTexts, queryOne } from "@odoo/hoot-dom";
import {
    contains,
    defineModels,
    fields,
    mockService,
    models,
    mountView,
    onRpc,
} from "@web/../tests/web_test_helpers";

// Runs as the hoot suite "@credit_followup/followup_timeline" (filter: suite "@credit_followup").
describe.current.tags("desktop");

const step = (id, name, offset, channel, extra = {}) => ({
    id,
    name,
    offset,
    channel,
    channel_label: channel,
    optional: false,
    final: false,
    approval: false,
    ...extra,
});

class CreditFollowupProfile extends models.Model {
    _name = "credit.followup.profile";

    name = fields.Char();
    timeline = fields.Json();

    // The mock server only accepts JSON strings as json values: web_read decodes them
    // below, as the real server sends the decoded value.
    _records = [
        {
            id: 1,
            name: "B2B standard",
            // deliberately not sorted: the widget orders the steps by offset
            timeline: JSON.stringify([
                step(12, "Second reminder", 21, "letter"),
                step(10, "Courtesy reminder", -3, "email", { optional: true }),
                step(13, "Final notice", 35, "letter", { final: true, approval: true }),
                step(11, "First reminder", 7, "email"),
            ]),
        },
        { id: 2, name: "Empty", timeline: JSON.stringify([]) },
        {
            id: 3,
            name: "Other channels",
            timeline: JSON.stringify([
                step(31, "Pigeon", 5, "carrier_pigeon"),
                step(32, "Chat", 6, "whatsapp"),
                step(33, "Call", 40, "phone"),
            ]),
        },
        {
            id: 4,
            name: "Unsaved step",
            timeline: JSON.stringify([step(false, "New step", 10, "sms")]),
        },
    ];

    _views = {
        form: /* xml */ `
            <form>
                <sheet>
                    <group>
                        <field name="name"/>
                        <field name="timeline" widget="credit_followup_timeline" nolabel="1" colspan="2"/>
                    </group>
                </sheet>
            </form>
        `,
    };

    web_read() {
        const records = super.web_read(...arguments);
        for (const record of records) {
            if (typeof record.timeline === "string") {
                record.timeline = JSON.parse(record.timeline);
            }
        }
        return records;
    }
}

defineMailModels();
defineModels([CreditFollowupProfile]);

const openProfile = (resId) =>
    mountView({ type: "form", resModel: "credit.followup.profile", resId });

const leftOf = (el) => parseFloat(el.style.left);

test("steps are drawn in offset order with their name and day label", async () => {
    await openProfile(1);
    expect(".o_credit_followup_timeline .o_credit_timeline_step").toHaveCount(4);
    expect(queryAllTexts(".o_credit_timeline_step_name")).toEqual([
        "Courtesy reminder",
        "First reminder",
        "Second reminder",
        "Final notice",
    ]);
    expect(queryAllTexts(".o_credit_timeline_step_days")).toEqual([
        "\u22123 d",
        "+7 d",
        "+21 d",
        "+35 d",
    ]);
    expect(queryAllAttributes(".o_credit_timeline_step", "data-step-id")).toEqual([
        "10",
        "11",
        "12",
        "13",
    ]);
    expect(".o_credit_timeline_step:eq(0) i.fa-envelope").toHaveCount(1);
    expect(".o_credit_timeline_step:eq(2) i.fa-file-text-o").toHaveCount(1);
});

test("the due date is marked at day 0", async () => {
    await openProfile(1);
    expect(".o_credit_timeline_due").toHaveCount(1);
    expect(".o_credit_timeline_due .o_credit_timeline_due_label").toHaveText(/due date/i);
    expect(".o_credit_timeline_due .o_credit_timeline_due_zero").toHaveText("0");
    expect(".o_credit_timeline_tick").not.toHaveCount(0);
});

test("markers are placed left to right by offset, around the due date", async () => {
    await openProfile(1);
    const lefts = queryAll(".o_credit_timeline_step").map(leftOf);
    expect(lefts.every((left) => left > 0 && left < 100)).toBe(true);
    expect([...lefts].sort((a, b) => a - b)).toEqual(lefts);
    expect(new Set(lefts).size).toBe(4);
    const due = leftOf(queryOne(".o_credit_timeline_due"));
    expect(lefts[0] < due && due < lefts[1]).toBe(true);
    const ticks = queryAll(".o_credit_timeline_tick").map(leftOf);
    expect([...ticks].sort((a, b) => a - b)).toEqual(ticks);
});

test("optional, final and needs-approval steps are told apart", async () => {
    await openProfile(1);
    expect(".o_credit_timeline_step_optional").toHaveCount(1);
    expect(".o_credit_timeline_step_optional").toHaveAttribute("data-step-id", "10");
    expect(".o_credit_timeline_step_final").toHaveCount(1);
    expect(".o_credit_timeline_step_final").toHaveAttribute("data-step-id", "13");
    expect(".o_credit_timeline_step[data-step-id='13'] .o_credit_timeline_step_badge.fa-lock").toHaveCount(1);
    expect(".o_credit_timeline_step_badge").toHaveCount(1);
});

test("steps on nearly the same day are stacked in lanes", async () => {
    await openProfile(3);
    const [pigeon, chat, call] = queryAll(".o_credit_timeline_step");
    expect(pigeon).toHaveAttribute("data-lane", "0");
    expect(chat).toHaveAttribute("data-lane", "1");
    expect(call).toHaveAttribute("data-lane", "0");
    expect(chat.getBoundingClientRect().top).toBeGreaterThan(pigeon.getBoundingClientRect().top);
});

test("an unknown channel gets the generic icon", async () => {
    await openProfile(3);
    expect(".o_credit_timeline_step[data-step-id='31'] i.fa-bell").toHaveCount(1);
    expect(".o_credit_timeline_step[data-step-id='32'] i.fa-whatsapp").toHaveCount(1);
    expect(".o_credit_timeline_step[data-step-id='33'] i.fa-phone").toHaveCount(1);
});

test("an empty profile shows a help text", async () => {
    await openProfile(2);
    expect(".o_credit_followup_timeline .o_credit_timeline_empty").toHaveText(
        "Add steps to see them on the timeline"
    );
    expect(".o_credit_timeline_step").toHaveCount(0);
    expect(".o_credit_timeline_due").toHaveCount(0);
});

test("clicking a step opens it in a dialog", async () => {
    mockService("action", {
        doAction(action, options) {
            expect.step(action);
            expect(typeof options.onClose).toBe("function");
        },
    });
    await openProfile(1);
    await contains(".o_credit_timeline_step[data-step-id='11']").click();
    expect.verifySteps([
        {
            type: "ir.actions.act_window",
            name: "First reminder",
            res_model: "credit.followup.step",
            res_id: 11,
            views: [[false, "form"]],
            target: "new",
        },
    ]);
});

test("pending edits of the profile are saved before a step opens", async () => {
    onRpc("credit.followup.profile", "web_save", () => {
        expect.step("web_save");
    });
    mockService("action", {
        doAction(action) {
            expect.step(`open step ${action.res_id}`);
        },
    });
    await openProfile(1);
    await contains(".o_field_widget[name=name] input").edit("B2B renamed");
    await contains(".o_credit_timeline_step[data-step-id='12']").click();
    expect.verifySteps(["web_save", "open step 12"]);
});

test("clicking a step that is not saved yet does nothing", async () => {
    mockService("action", {
        doAction(action) {
            expect.step(action);
        },
    });
    await openProfile(4);
    expect(".o_credit_timeline_step").toHaveCount(1);
    expect(".o_credit_timeline_step").not.toHaveAttribute("data-step-id");
    expect(".o_credit_timeline_step").toHaveClass("o_credit_timeline_step_unsaved");
    await contains(".o_credit_timeline_step").click();
    expect.verifySteps([]);
});
