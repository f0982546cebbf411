import { registry } from "@web/core/registry";

// An account manager opens a client from the payer cards, fills the payer's direct line in
// the Collection tab and saves.
registry.category("web_tour.tours").add("cabinet_dunning_payer_card", {
    steps: () => [
        {
            content: "Open the client from the payer cards",
            trigger: ".o_data_row td:contains('Boulangerie Martin')",
            run: "click",
        },
        {
            content: "Open the Collection tab",
            trigger: "a.nav-link:contains('Collection')",
            run: "click",
        },
        {
            content: "The payer is there",
            trigger: "div[name='payer_email'] input:value('claire.martin@boulangerie-martin.fr')",
        },
        {
            content: "Type the payer's direct line",
            trigger: "div[name='payer_phone'] input",
            run: "edit 01 99 88 77 66",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});
