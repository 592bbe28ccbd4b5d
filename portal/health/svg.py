"""matplotlib's SVG made fit to put inside a page whose Content-Security-Policy is
`style-src 'self'`: a browser ignores `style` attributes and `<style>` elements there, so
they become SVG presentation attributes, which are not style."""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses only the SVG matplotlib just wrote

SVG = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# CSS properties that are also SVG presentation attributes, as matplotlib writes them.
PRESENTATION = frozenset(
    {
        "clip-path",
        "color",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
    }
)
FONT = re.compile(
    r"^(?:(?P<style>italic|oblique|normal)\s+)?(?:(?P<weight>bold|normal|\d{3})\s+)?"
    r"(?P<size>[\d.]+(?:px|pt|em|%)?)\s+(?P<family>.+)$"
)
REFERENCE = re.compile(r"url\(#([^)]+)\)")


def _declarations(style):
    """{property: value} from a style attribute; the `font` shorthand split in two."""
    found = {}
    for declaration in style.split(";"):
        name, _colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not name or not value:
            continue
        if name == "font":
            match = FONT.match(value)
            if match:
                found.update(
                    {
                        "font-style": match["style"],
                        "font-weight": match["weight"],
                        "font-size": match["size"],
                        "font-family": match["family"],
                    }
                )
        elif name in PRESENTATION:
            found[name] = value
    return {name: value for name, value in found.items() if value}


def accessible(svg_text, prefix, title, description):
    """matplotlib's SVG made fit to put in a page under a strict CSP, and to be read aloud.

    No `<style>`, no `style` attribute (presentation attributes instead), no comments,
    XML declaration, DOCTYPE or metadata; ids prefixed with `prefix`, so several charts
    can share a page; `role="img"` with a title and a description; as wide as its place
    on the page, its height following from the viewBox.
    """
    root = ET.fromstring(svg_text)  # noqa: S314 - matplotlib's own output, not a user's
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG}}}style", f"{{{SVG}}}metadata"):
                parent.remove(child)
    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            element.attrib.update(_declarations(style))
        if XLINK_HREF in element.attrib:
            element.set("href", element.attrib.pop(XLINK_HREF))
    _prefix_ids(root, prefix)
    for element in root.iter():
        if element.tag != f"{{{SVG}}}text":  # only text elements hold text
            element.text = None
        element.tail = None
        if element.get("transform", "").startswith("rotate(-0 "):
            del element.attrib["transform"]
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == f"{{{SVG}}}defs" and not len(child):
                parent.remove(child)
    width, height = (
        root.get("width", "").removesuffix("pt"),
        root.get("height", "").removesuffix("pt"),
    )
    for name in ("width", "height", "version"):
        root.attrib.pop(name, None)
    root.set("viewBox", root.get("viewBox") or f"0 0 {width} {height}")
    root.set("width", "100%")
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title")
    root.set("aria-describedby", f"{prefix}-desc")
    # What matplotlib's <style> set for every element; and the chart reads left to right
    # in every language, so its text keeps the anchors it was laid out with.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.set("direction", "ltr")
    title_element = ET.Element(f"{{{SVG}}}title", {"id": f"{prefix}-title"})
    title_element.text = title
    desc_element = ET.Element(f"{{{SVG}}}desc", {"id": f"{prefix}-desc"})
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    # ElementTree writes a default namespace only for elements with no plain attribute:
    # write the tags bare and the namespace once, as HTML pages have it.
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG}}}")
    root.set("xmlns", SVG)
    return ET.tostring(root, encoding="unicode")


def _prefix_ids(root, prefix):
    """Keep the ids something refers to, renamed `<prefix>-<n>`; drop the others."""
    used = set()
    for element in root.iter():
        for name, value in element.attrib.items():
            used.update(REFERENCE.findall(value))
            if name == "href" and value.startswith("#"):
                used.add(value[1:])
    renamed = {old: f"{prefix}-{number}" for number, old in enumerate(sorted(used), 1)}
    for element in root.iter():
        found = element.attrib.pop("id", None)
        if found in renamed:
            element.set("id", renamed[found])
        for name, value in list(element.attrib.items()):
            if name == "href" and value.startswith("#") and value[1:] in renamed:
                element.set(name, "#" + renamed[value[1:]])
            elif "url(#" in value:
                element.set(name, REFERENCE.sub(lambda m: f"url(#{renamed[m[1]]})", value))
