import { Component, onMounted, onPatched, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat } from "@web/core/utils/numbers";
import { useSetupAction } from "@web/search/action_hook";
import { formatMonetary } from "@web/views/fields/formatters";

const BUCKET_COLORS = ["#28a745", "#ffc107", "#fd7e14", "#dc3545", "#6f42c1"];

/**
 * The collection dashboard ("Recouvrement"): every figure comes from one server call
 * (cabinet.dunning.dashboard.get_figures) and opens the list behind it (open_list).
 */
export class CabinetDunningDashboard extends Component {
    static template = "cabinet_dunning.Dashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.chartRef = useRef("history");
        // Coming back from a list (breadcrumb), the dashboard keeps its filters.
        const restored = this.props.state || {};
        this.state = useState({
            figures: null,
            filters: restored.filters || {},
            topSize: restored.topSize || 10,
        });
        useSetupAction({
            getLocalState: () => ({ filters: this.state.filters, topSize: this.state.topSize }),
        });
        this.chart = null;
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
        onMounted(() => this.renderChart());
        onPatched(() => this.renderChart());
        onWillUnmount(() => this.chart && this.chart.destroy());
    }

    async load() {
        const figures = await this.orm.call("cabinet.dunning.dashboard", "get_figures", [], {
            filters: this.state.filters,
        });
        this.state.figures = figures;
        this.state.filters = { ...figures.filters };
    }

    async onFilterChange(key, ev) {
        let value = ev.target.value;
        if (["responsible_id", "account_manager_id"].includes(key)) {
            value = value ? parseInt(value) : false;
        }
        this.state.filters = { ...this.state.filters, [key]: value || false };
        await this.load();
    }

    setTopSize(size) {
        this.state.topSize = size;
    }

    number(value) {
        return formatFloat(value, { digits: [false, 1] });
    }

    money(amount) {
        return formatMonetary(amount, { currencyId: this.state.figures.currency_id });
    }

    async open(figure, key = false) {
        const action = await this.orm.call("cabinet.dunning.dashboard", "open_list", [figure], {
            key,
            filters: this.state.filters,
        });
        this.actionService.doAction(action);
    }

    openClient(client) {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: client.partner_id[0],
            views: [[false, "form"]],
        });
    }

    async printReport() {
        const action = await this.orm.call("cabinet.dunning.dashboard", "action_print", [], {
            filters: this.state.filters,
        });
        this.actionService.doAction(action);
    }

    renderChart() {
        const canvas = this.chartRef.el;
        const figures = this.state.figures;
        if (!canvas || !figures) {
            return;
        }
        if (this.chart) {
            this.chart.destroy();
        }
        const history = figures.history;
        const labels = history.map((point) => point.label);
        const datasets = figures.aged.buckets.map((bucket, index) => ({
            label: bucket.label,
            data: history.map((point) => point.buckets[bucket.key]),
            backgroundColor: BUCKET_COLORS[index],
            stack: "aged",
        }));
        this.chart = new Chart(canvas, {
            type: "bar",
            data: { labels, datasets },
            options: {
                maintainAspectRatio: false,
                scales: { x: { stacked: true }, y: { stacked: true } },
                onClick: (event, elements) => {
                    if (elements.length) {
                        this.open("history", history[elements[0].index].date);
                    }
                },
                plugins: {
                    tooltip: {
                        callbacks: {
                            footer: (items) =>
                                _t("DSO: %(days)s days", {
                                    days: this.number(history[items[0].dataIndex].dso),
                                }),
                        },
                    },
                },
            },
        });
    }
}

registry.category("actions").add("cabinet_dunning.dashboard", CabinetDunningDashboard);
