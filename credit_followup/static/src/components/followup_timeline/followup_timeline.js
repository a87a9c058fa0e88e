import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/** Font Awesome icon per step channel; channels added by other modules fall back to a bell. */
export const CHANNEL_ICONS = {
    email: "fa-envelope",
    letter: "fa-file-text-o",
    sms: "fa-mobile",
    phone: "fa-phone",
    task: "fa-tasks",
    whatsapp: "fa-whatsapp",
};
export const UNKNOWN_CHANNEL_ICON = "fa-bell";

/** Share of the axis a step card needs: closer steps are stacked in the next lane. */
const MIN_GAP_RATIO = 0.17;
/** Share of the axis left free on each side of the outermost steps. */
const MARGIN_RATIO = 0.08;
const MIN_MARGIN_DAYS = 2;
/** Tick intervals in days, the first that gives at most MAX_TICKS ticks is used. */
const TICK_INTERVALS = [1, 2, 5, 7, 10, 14, 30, 60, 90, 180, 365];
const MAX_TICKS = 8;
const MINUS = "\u2212";

/**
 * "+7 d", "−3 d", "0 d"
 *
 * @param {number} days
 */
export function formatDays(days) {
    const sign = days > 0 ? "+" : days < 0 ? MINUS : "";
    return _t("%(days)s d", { days: `${sign}${Math.abs(days)}` });
}

/**
 * The interval between ticks for an axis of ``span`` days.
 *
 * @param {number} span
 */
function tickInterval(span) {
    const interval = TICK_INTERVALS.find((days) => span / days <= MAX_TICKS);
    return interval || Math.ceil(span / MAX_TICKS / 365) * 365;
}

/**
 * Places the steps on the day axis: the axis bounds, the tick days, and per step its
 * position (percentage from the left) and lane (0 = right under the axis).
 *
 * @param {Object[]} steps the ``timeline`` value: ``{id, name, offset, channel, ...}``
 */
export function computeTimelineLayout(steps) {
    const sorted = [...steps].sort((a, b) => a.offset - b.offset);
    const offsets = sorted.map((step) => step.offset);
    const low = Math.min(0, ...offsets);
    const high = Math.max(0, ...offsets);
    const margin = Math.max(MIN_MARGIN_DAYS, Math.ceil((high - low) * MARGIN_RATIO));
    const start = low - margin;
    const end = high + margin;
    const span = end - start;
    const position = (day) => ((day - start) / span) * 100;

    const interval = tickInterval(span);
    const ticks = [];
    for (let day = Math.ceil(start / interval) * interval; day <= end; day += interval) {
        if (day !== 0) {
            // 0 is drawn by the due date marker
            ticks.push({ day, left: position(day), label: formatDays(day) });
        }
    }

    // Greedy lanes: a step goes into the first lane whose last step is far enough away.
    const minGap = span * MIN_GAP_RATIO;
    const laneEnds = [];
    const markers = sorted.map((step) => {
        let lane = laneEnds.findIndex((lastOffset) => step.offset - lastOffset >= minGap);
        if (lane === -1) {
            lane = laneEnds.length;
        }
        laneEnds[lane] = step.offset;
        return { step, lane, left: position(step.offset) };
    });

    return { start, end, ticks, markers, laneCount: Math.max(1, laneEnds.length), dueLeft: position(0) };
}

export class FollowupTimeline extends Component {
    static template = "credit_followup.FollowupTimeline";
    static props = { ...standardFieldProps };

    setup() {
        this.action = useService("action");
    }

    get steps() {
        return this.props.record.data[this.props.name] || [];
    }

    get layout() {
        return computeTimelineLayout(this.steps);
    }

    /**
     * What the template shows of one placed step.
     *
     * @param {{ step: Object, lane: number, left: number }} marker
     */
    markerInfo({ step, lane, left }) {
        const channelLabel = step.channel_label || step.channel || "";
        const dayLabel = formatDays(step.offset);
        const hints = [channelLabel, dayLabel];
        if (step.optional) {
            hints.push(_t("optional"));
        }
        if (step.final) {
            hints.push(_t("final step"));
        }
        if (step.approval) {
            hints.push(_t("needs approval"));
        }
        return {
            ...step,
            lane,
            left,
            dayLabel,
            channelLabel,
            icon: CHANNEL_ICONS[step.channel] || UNKNOWN_CHANNEL_ICON,
            openable: this.canOpen(step),
            title: `${step.name} (${hints.join(", ")})`,
        };
    }

    canOpen(step) {
        return Number.isInteger(step.id) && !this.props.record.isNew;
    }

    async onStepClick(step) {
        if (!this.canOpen(step)) {
            return; // a step of an unsaved profile (or a new step) has no record to open yet
        }
        const record = this.props.record;
        if ((await record.isDirty()) && !(await record.save())) {
            return; // the dialog reloads the profile when it closes: keep pending edits
        }
        await this.action.doAction(
            {
                type: "ir.actions.act_window",
                name: step.name,
                res_model: "credit.followup.step",
                res_id: step.id,
                views: [[false, "form"]],
                target: "new",
            },
            { onClose: () => record.load() }
        );
    }
}

export const followupTimeline = {
    component: FollowupTimeline,
    displayName: _t("Follow-up timeline"),
    // the markers are positioned absolutely: the field must take the full width
    additionalClasses: ["w-100"],
    supportedTypes: ["json"],
};

registry.category("fields").add("credit_followup_timeline", followupTimeline);
