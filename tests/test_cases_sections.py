"""Other domains add their sections to the case page through one registry."""

from __future__ import annotations

from thinktank.cases import sections


def test_a_registered_section_is_shown_with_its_data(app, client, make_case, monkeypatch, tmp_path):
    monkeypatch.setattr(sections, "_sections", [])
    greeting = sections.Section(
        10, "tests/_section.html", lambda case, user: {"greeting": f"Hej fra sag {case.id}"}
    )
    sections.register(greeting)
    sections.register(greeting)  # wired twice (a second app), shown once
    sections.register(sections.Section(5, "tests/_section.html", lambda case, user: None))
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "_section.html").write_text("<p class='probe'>{{ data.greeting }}</p>")
    from jinja2 import ChoiceLoader, FileSystemLoader

    app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(str(tmp_path))])
    case = make_case(state="open", visibility="public")
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert html.count("class='probe'") == 1
    assert f"Hej fra sag {case.id}" in html
