import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/** Thresholds of the risk bands, as in credit_segmentation/models/res_partner.py (BAND_LIMITS). */
export const BAND_LIMITS = [30, 60];

export function riskBand(score) {
    if (score < BAND_LIMITS[0]) {
        return "low";
    }
    return score < BAND_LIMITS[1] ? "medium" : "high";
}

/** A debtor's risk score (0–100) as a coloured badge: green low, orange medium, red high. */
export class RiskBadge extends Component {
    static template = "credit_segmentation.RiskBadge";
    static props = { ...standardFieldProps };

    get score() {
        return this.props.record.data[this.props.name] || 0;
    }

    get band() {
        return riskBand(this.score);
    }

    get colorClass() {
        return { low: "text-bg-success", medium: "text-bg-warning", high: "text-bg-danger" }[this.band];
    }

    get label() {
        return { low: _t("Low risk"), medium: _t("Medium risk"), high: _t("High risk") }[this.band];
    }

    get formatted() {
        return Math.round(this.score).toString();
    }
}

export const riskBadge = {
    component: RiskBadge,
    displayName: _t("Risk badge"),
    supportedTypes: ["float", "integer"],
};

registry.category("fields").add("credit_risk_badge", riskBadge);
