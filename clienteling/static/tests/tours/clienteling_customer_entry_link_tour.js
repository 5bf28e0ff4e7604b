import { waitUntil } from "@odoo/hoot-dom";
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";

/** Resolves once ``img`` is loaded; fails when it cannot be shown. */
async function loadedImage(img) {
    await waitUntil(() => img.complete, { timeout: 5000 });
    if (!img.naturalWidth) {
        throw new Error(`The image ${img.getAttribute("src")} did not load`);
    }
    return img;
}

// A store manager opens their store, sees the QR code of the customer entry link and
// opens the link; a customer fills the form in on it, lands on the thank-you page, and
// reloading that page sends nothing again. The page shows the company's own logo
// (a 120 × 40 picture the test gives the company), not Odoo's placeholder.
registry.category("web_tour.tours").add("clienteling_customer_entry_link_tour", {
    steps: () => [
        {
            content: "Open my store",
            trigger: ".o_kanban_record:contains(Test Fifth Avenue)",
            run: "click",
        },
        {
            content: "Open the Customer Entry tab",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Customer Entry)",
            run: "click",
        },
        {
            content: "The QR code of the link is shown",
            trigger: ".o_form_view div[name=entry_qr] img[src]",
            async run() {
                const src = new URL(this.anchor.getAttribute("src"), window.location.href);
                const inline = src.protocol === "data:" && src.href.length > "data:image/png;base64,".length;
                if (!inline && !src.pathname.startsWith("/web/image")) {
                    throw new Error(`Unexpected QR code source: ${src}`);
                }
                await loadedImage(this.anchor);
            },
        },
        {
            content: "The poster can be printed",
            trigger: ".o_form_view button:contains(Print the Poster):enabled",
        },
        {
            content: "Open the link (followed in this tab: a tour cannot follow a new one)",
            trigger: ".o_form_view button[name=action_open_entry_url]:enabled",
            async run(helpers) {
                const link = document
                    .querySelector(".o_form_view div[name=entry_url]")
                    .textContent.trim();
                const open = browser.open;
                let opened = null;
                browser.open = (url, target) => {
                    opened = { url, target };
                    return { closed: false };
                };
                try {
                    await helpers.click();
                    await waitUntil(() => opened, { timeout: 5000 });
                } finally {
                    browser.open = open;
                }
                if (opened.url !== link || opened.target !== "_blank") {
                    throw new Error(`"Open" opened ${opened.url} in ${opened.target}, not ${link}`);
                }
                await helpers.goToUrl(new URL(opened.url).pathname);
            },
        },
        {
            content: "The public page shows the company's own logo",
            trigger: "img.o_clienteling_entry_logo[src*='/web/binary/company_logo']",
            async run() {
                const img = await loadedImage(this.anchor);
                if (img.naturalWidth !== 120 || img.naturalHeight !== 40) {
                    throw new Error(
                        `The logo shown is ${img.naturalWidth} × ${img.naturalHeight}, not the company's`
                    );
                }
                if (document.querySelector(".o_clienteling_entry_company")) {
                    throw new Error("The company's name is shown instead of its logo");
                }
            },
        },
        {
            content: "Name",
            trigger: "form.o_clienteling_entry_form input[name=name]",
            run: "edit Tour Walk-In",
        },
        {
            content: "Mobile, as dialled locally",
            trigger: "form.o_clienteling_entry_form input[name=mobile]",
            run: "edit (212) 555-0166",
        },
        {
            content: "Consent",
            trigger: "form.o_clienteling_entry_form input[name=consent]",
            run: "check",
        },
        {
            content: "Send",
            trigger: "form.o_clienteling_entry_form button[type=submit]",
            run: "click",
        },
        {
            content: "The thank-you page, with the name",
            trigger: ".o_clienteling_entry .alert-success:contains(Thank you, Tour Walk-In)",
            run() {
                if (!/^\/clienteling\/join\/[^/]+\/thanks$/.test(window.location.pathname)) {
                    throw new Error(`Not the thank-you page: ${window.location.pathname}`);
                }
            },
        },
        {
            content: "A signed-in associate of the store may enter another customer",
            trigger: "a.o_clienteling_entry_another:contains(Enter another customer)",
        },
        {
            content: "Reload the thank-you page",
            trigger: ".o_clienteling_entry .alert-success",
            run() {
                window.location.reload();
            },
        },
        {
            content: "Reloaded: an empty form again, nothing sent twice",
            trigger: "form.o_clienteling_entry_form input[name=name]:value(/^$/)",
            run() {
                if (window.location.pathname.endsWith("/thanks")) {
                    throw new Error("Still on the thank-you page after a reload");
                }
                if (document.querySelector(".alert-success")) {
                    throw new Error("Thanked again after a reload");
                }
            },
        },
    ],
});
