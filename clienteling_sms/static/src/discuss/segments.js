/** SMS encoding and segments, as carriers bill them (the same rules as
 * clienteling_sms/tools/segments.py). */
const GSM7_BASIC = new Set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
);
const GSM7_EXTENDED = new Set("^{}\\[~]|€\f");

export function describeText(text) {
    const chars = [...(text || "")];
    const gsm = chars.every((c) => GSM7_BASIC.has(c) || GSM7_EXTENDED.has(c));
    const length = chars.reduce(
        (sum, c) => sum + (gsm ? (GSM7_EXTENDED.has(c) ? 2 : 1) : c.codePointAt(0) > 0xffff ? 2 : 1),
        0
    );
    const [single, multi] = gsm ? [160, 153] : [70, 67];
    const segments = !length ? 0 : length <= single ? 1 : Math.ceil(length / multi);
    return { encoding: gsm ? "GSM-7" : "UCS-2", length, segments };
}
