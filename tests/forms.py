"""Sending the site's forms as a browser would: token and hidden fields included."""

from __future__ import annotations

import re


def hidden_fields(page: str, form_action: str) -> dict[str, str]:
    """The hidden inputs of the form posting to form_action on this page."""
    match = re.search(
        rf'<form[^>]*action="{re.escape(form_action)}"[^>]*>(.*?)</form>', page, re.S
    )
    assert match, f"no form posting to {form_action}"
    fields = {}
    for tag in re.findall(r"<input[^>]*>", match.group(1)):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            value = re.search(r'value="([^"]*)"', tag)
            fields[name] = value.group(1) if value else ""
    return fields


def send(client, page_url: str, action: str, data: dict, **kwargs):
    """Open page_url, then post its form at action with data added."""
    page = client.get(page_url).get_data(as_text=True)
    return client.post(action, data={**hidden_fields(page, action), **data}, **kwargs)
