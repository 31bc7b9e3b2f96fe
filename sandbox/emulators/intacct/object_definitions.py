"""``lookup`` and ``inspect``: the object definition, the way the gateway answers it.

``<lookup><object>CUSTOMER</object></lookup>`` (or ``<name>``, the printable name, and
``<docparid>``) — developer.intacct.com "Objects" ("Get Object Definition") and
"Queries" ("Finding an object's queryable fields and values"); the answer shape is the
gateway's own, as recorded in CPAanalytics/intacct_sdk ``fixtures/lookup/*.xml``::

    <data listtype="All" count="1">
      <Type Name="CUSTOMER" DocumentType="">
        <Fields>
          <Field><ID>RECORDNO</ID><LABEL>Record number</LABEL>
                 <DESCRIPTION>Record number</DESCRIPTION><REQUIRED>false</REQUIRED>
                 <READONLY>true</READONLY><DATATYPE>INTEGER</DATATYPE>
                 [<VALIDVALUES><VALIDVALUE>…</VALIDVALUE></VALIDVALUES>]
                 <ISCUSTOM>false</ISCUSTOM></Field> …
        </Fields>
        <Relationships>
          <Relationship><OBJECTPATH>PARENT</OBJECTPATH><OBJECTNAME>CUSTOMER</OBJECTNAME>
            <LABEL>Parent customer</LABEL><RELATIONSHIPTYPE>MANY2ONE</RELATIONSHIPTYPE>
            <RELATEDBY>PARENTID</RELATEDBY></Relationship> …
        </Relationships>
      </Type>
    </data>

``inspect`` (the legacy "Get Object Definition" and "Query and List Objects", same page;
answer shapes from the Intacct OpenSource Initiative PHP toolkit's ``api_objDef`` /
``api_fieldDef`` and the recorded responses in craibuc/PsIntacct
``Tests/Fixtures/Platform Services/Objects``):

* ``<inspect><object>*</object></inspect>``: ``<data listtype="All" count="n">
  <type typename="CUSTOMER">Customer</type>…``;
* ``detail="0"`` (the default): ``<Type Name="CUSTOMER"><Fields><Field>RECORDNO</Field>…``;
* ``detail="1"``: ``<Type Name="CUSTOMER"><Attributes><SingularName/><PluralName/>
  <Description/></Attributes><Fields><Field><Name/><GroupName/><dataName/>
  <externalDataName/><isRequired/><isReadOnly/><maxLength/><DisplayLabel/><Description/>
  <id/></Field>…``. Only the INTEGER field's ``dataName``/``externalDataName``/``maxLength``
  (``Pt_FieldInt``/``integer``/``8``) come from a recorded answer; the other types'
  values and the numeric ``id`` are this emulator's (UNVERIFIED).

A field the emulator keeps but no recorded definition lists (``ARINVOICEITEM``,
``RENEWALMACRO``, the few extras named in :mod:`objects`) is described from its kind:
label ``No label specified``, description ``No description specified`` — the texts the
gateway uses for fields without them.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement

from sandbox.emulators.intacct import errors, objects
from sandbox.emulators.intacct.billing import DOCPARID
from sandbox.emulators.intacct.schema import Field, FieldDef, Kind, ObjectSpec

NO_LABEL = "No label specified"
NO_DESCRIPTION = "No description specified"
_DATATYPES = {
    Kind.TEXT: "TEXT",
    Kind.INTEGER: "INTEGER",
    Kind.DECIMAL: "DECIMAL",
    Kind.BOOLEAN: "BOOLEAN",
    Kind.DATE: "DATE",
    Kind.TIMESTAMP: "TIMESTAMP",
    Kind.ENUM: "ENUM",
}
# (dataName, externalDataName, maxLength) for inspect detail="1"; INTEGER is recorded.
_STORAGE = {
    "INTEGER": ("Pt_FieldInt", "integer", "8"),
    "DECIMAL": ("Pt_FieldDouble", "decimal", ""),
    "CURRENCY": ("Pt_FieldCurrency", "currency", ""),
    "PERCENT": ("Pt_FieldPercent", "percent", ""),
    "DATE": ("Pt_FieldDate", "date", ""),
    "TIMESTAMP": ("Pt_FieldDateTime", "timestamp", ""),
    "BOOLEAN": ("Pt_FieldBoolean", "boolean", ""),
    "ENUM": ("Pt_FieldEnum", "enum", ""),
}
_TEXT_STORAGE = ("Pt_FieldString", "text", "")
FIELD_ID_BASE = 999500400000000


def describe(field: Field) -> FieldDef:
    """What lookup says about ``field``: its recorded definition, or one from its kind."""
    if field.definition is not None:
        return field.definition
    values = ("true", "false") if field.kind is Kind.BOOLEAN else field.choices
    return FieldDef(
        field.name,
        _DATATYPES[field.kind],
        NO_LABEL,
        NO_DESCRIPTION,
        required=field.required,
        readonly=field.readonly,
        values=values,
    )


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _text(node: Element, tag: str) -> str:
    child = node.find(tag)
    return (child.text or "").strip() if child is not None else ""


def _target(body: Element) -> tuple[ObjectSpec, str]:
    """The object named by ``<object>`` (integration name) or ``<name>`` (printable name),
    and the document type (``<docparid>``, or a transaction definition given as name)."""
    docparid = _text(body, "docparid")
    named = _text(body, "object")
    if named:
        spec = objects.lookup(named)
        if spec is None:
            raise errors.unknown_object(named.upper())
        return spec, docparid if spec.docpar else ""
    printable = _text(body, "name")
    if not printable:
        raise errors.bad_request("Provide the object (integration name) or its name.")
    if printable.lower() == DOCPARID.lower():
        return objects.SODOCUMENT, DOCPARID
    for spec in objects.ALL:
        if spec.label.lower() == printable.lower() or spec.name == printable.upper():
            return spec, ""
    raise errors.unknown_object(printable)


def _data(count: int) -> Element:
    return Element("data", {"listtype": "All", "count": str(count)})


def lookup(body: Element) -> Element:
    spec, docparid = _target(body)
    data = _data(1)
    node = SubElement(data, "Type", {"Name": spec.name, "DocumentType": docparid})
    fields = SubElement(node, "Fields")
    for field in spec.fields:
        definition = describe(field)
        item = SubElement(fields, "Field")
        SubElement(item, "ID").text = definition.id
        SubElement(item, "LABEL").text = definition.label
        SubElement(item, "DESCRIPTION").text = definition.description
        SubElement(item, "REQUIRED").text = _bool(definition.required)
        SubElement(item, "READONLY").text = _bool(definition.readonly)
        SubElement(item, "DATATYPE").text = definition.datatype
        if definition.values:
            values = SubElement(item, "VALIDVALUES")
            for value in definition.values:
                SubElement(values, "VALIDVALUE").text = value
        SubElement(item, "ISCUSTOM").text = "false"
    relationships = SubElement(node, "Relationships")
    for relationship in spec.relationships:
        item = SubElement(relationships, "Relationship")
        SubElement(item, "OBJECTPATH").text = relationship.objectpath
        SubElement(item, "OBJECTNAME").text = relationship.objectname
        SubElement(item, "LABEL").text = relationship.label
        SubElement(item, "RELATIONSHIPTYPE").text = relationship.relationshiptype
        SubElement(item, "RELATEDBY").text = relationship.relatedby
    return data


def _detail(body: Element) -> bool:
    flag = body.get("detail") or _text(body, "detail") or "0"
    return flag.strip() == "1"


def inspect(body: Element) -> Element:
    if _text(body, "object") == "*":
        data = _data(len(objects.ALL))
        for spec in objects.ALL:
            SubElement(data, "type", {"typename": spec.name}).text = spec.label
        return data
    spec, _docparid = _target(body)
    data = _data(1)
    node = SubElement(data, "Type", {"Name": spec.name})
    detail = _detail(body)
    if detail:
        attributes = SubElement(node, "Attributes")
        SubElement(attributes, "SingularName").text = spec.label
        SubElement(attributes, "PluralName").text = spec.label + "s"
        SubElement(attributes, "Description").text = ""
    fields = SubElement(node, "Fields")
    for position, field in enumerate(spec.fields):
        definition = describe(field)
        if not detail:
            SubElement(fields, "Field").text = definition.id
            continue
        data_name, external, max_length = _STORAGE.get(definition.datatype, _TEXT_STORAGE)
        item = SubElement(fields, "Field")
        SubElement(item, "Name").text = definition.id
        SubElement(item, "GroupName").text = ""
        SubElement(item, "dataName").text = data_name
        SubElement(item, "externalDataName").text = external
        SubElement(item, "isRequired").text = _bool(definition.required)
        SubElement(item, "isReadOnly").text = _bool(definition.readonly)
        SubElement(item, "maxLength").text = max_length
        SubElement(item, "DisplayLabel").text = definition.label
        SubElement(item, "Description").text = definition.description
        SubElement(item, "id").text = str(FIELD_ID_BASE + position)
    return data
