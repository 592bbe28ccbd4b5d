"""Form rendering: WTForms fields as NHS.UK components, and the error summary.

Templates call `field(form.name)` from `templates/macros/forms.html`, which asks
`nhs_params` for the component's parameters. Every value the user typed is
put back, except passwords.
"""


def error_list(form):
    """One entry per field in error, linking to the input the summary names."""
    return [
        {"text": field.errors[0], "href": f"#{field.id}"}
        for field in form
        if field.errors and field.type != "CSRFTokenField"
    ]


def nhs_params(field, **options):
    """The parameters an NHS.UK component needs to show this WTForms field."""
    params = {
        "id": field.id,
        "name": field.name,
        "label": {"text": field.label.text},
    }
    if field.description:
        params["hint"] = {"text": str(field.description)}
    if field.errors:
        params["errorMessage"] = {"text": field.errors[0]}
    if field.type in ("RadioField", "SelectField", "MultiCheckboxField"):
        key = "selected" if field.type == "SelectField" else "checked"
        params["items"] = [
            {"value": str(value), "text": str(label), key: bool(selected)}
            for value, label, selected, *_ in field.iter_choices()
        ]
        params["idPrefix"] = field.id
        if field.type in ("RadioField", "MultiCheckboxField"):
            # The first input takes the field's id (error summary links go there),
            # so the group itself must not carry the same id.
            del params["id"]
            params["fieldset"] = {"legend": {"text": field.label.text, "size": "s"}}
            del params["label"]
    elif field.type != "PasswordField":
        value = field._value()
        if value:
            params["value"] = value
    for key, value in options.items():
        if isinstance(value, dict) and isinstance(params.get(key), dict):
            params[key] = {**params[key], **value}
        else:
            params[key] = value
    return params


def init_app(app):
    app.jinja_env.globals.update(nhs_params=nhs_params, error_list=error_list)
