import { registry } from "@web/core/registry";

// The collection manager opens the dashboard, reads the aged balance, filters on a
// responsible, then drills down from the 31-60 days bucket to the invoices behind it.
registry.category("web_tour.tours").add("cabinet_dunning_dashboard", {
    steps: () => [
        {
            content: "The aged balance shows the overdue invoice",
            trigger: ".o_cabinet_aged_total:contains('300.00')",
        },
        {
            content: "The largest debts list the client",
            trigger: ".o_cabinet_top_outstanding td:contains('Garage Bonnet')",
        },
        {
            content: "Filter on the client's responsible",
            trigger: ".o_cabinet_filter_responsible",
            run: "selectByLabel Expert Tour",
        },
        {
            content: "Still the client's 300",
            trigger: ".o_cabinet_aged_total:contains('300.00')",
        },
        {
            content: "Open the 31-60 days bucket",
            trigger: ".o_cabinet_aged a:contains('31-60 days')",
            run: "click",
        },
        {
            content: "The invoice behind the figure",
            trigger: ".o_list_view .o_group_name:contains('Garage Bonnet'), .o_list_view .o_data_row",
        },
    ],
});
