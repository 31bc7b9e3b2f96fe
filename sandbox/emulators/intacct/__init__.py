"""Sage Intacct XML gateway emulator (``/ia/xml/xmlgw.phtml``) over an in-memory store.

What a client sees, in short (details in the modules named):

* Envelope (:mod:`envelope`): ``<request><control>…<operation transaction=…>
  <authentication><login>|<sessionid></authentication><content><function controlid=…>``;
  responses ``<response><control><status>`` / ``<operation><authentication><status>`` /
  ``<result><status><function><controlid>[<data>][<errormessage>]``.
* Failure levels and error numbers (:mod:`errors`): control ``XL03000003`` (unreadable
  XML, DTD/entities, dtdversion not 3.0, unknown function) and ``XL03000006`` (sender);
  authentication ``XL03000006`` (sign-in, sender not authorized, invalid/expired session);
  function ``BL01001973``/``BL34000061``, ``XL03000010`` "Field requested is not valid:
  customer.NOPE" for a field the object does not have; transaction rollback
  ``XL03000009`` with status ``aborted``; gateway throttling HTTP 429 ``GW-0010``.
* Objects (:mod:`objects`, :mod:`definitions`): every standard field of Intacct's object
  definition for each object served (the gateway's recorded ``lookup`` answers),
  read-only and system fields included; a field with no value reads empty. ``lookup``
  and ``inspect`` answer those definitions (:mod:`object_definitions`); ``returnFormat``
  json/csv answer the data alone (:mod:`return_formats`).
* uniqueid (:mod:`gateway`): with ``<uniqueid>true</uniqueid>`` (the default when the
  element is absent) a function whose ``controlid`` already executed and completed in the
  company is not run again: its ``<result>`` has ``<status>failure</status>`` and one
  error with ``<errorno>XL03000004</errorno>`` (UNVERIFIED number; description
  "Duplicate function control ID", description2 "The function with control ID '<id>'
  was already executed and completed in an earlier request; it was not executed
  again."). It carries no ``<data>``: a client retrying a create after a lost response
  reads the record it made (e.g. by its ID) instead. Failed or rolled-back functions do
  not count as completed; the other functions of the request run normally.
* Functions and element names (:mod:`functions`): create/update ``<data listtype="objects"
  count="n"><customer><RECORDNO/><CUSTOMERID/></customer>``; read/readByName
  ``<data listtype="CUSTOMER" count="n"><CUSTOMER>``; readByQuery/readMore
  ``<data listtype="customer" count totalcount numremaining resultId><customer>``; query
  ``<data listtype="CUSTOMER" totalcount offset count numremaining><CUSTOMER>``.
* Dates ``mm/dd/yyyy``; ``WHENCREATED``/``WHENMODIFIED`` ``mm/dd/yyyy hh:mm:ss`` (GMT,
  seconds); RECORDNO integers per object from 1.
* Contract invoices (:mod:`billing`): ``SODOCUMENT`` with ``DOCPARID`` ``Contract
  Invoice`` (header ``CONTRACTID``, ``PRRECORDKEY`` = the ``ARINVOICE`` RECORDNO), lines
  in ``SODOCUMENTENTRY`` (``CONTRACTID``, ``CONTRACTDETAILKEY``), AR side in
  ``ARINVOICE``/``ARINVOICEITEM``. A contract's invoices changed since a time::

      <query>
        <object>SODOCUMENT</object>
        <docparid>Contract Invoice</docparid>
        <select><field>RECORDNO</field><field>DOCID</field><field>CONTRACTID</field>
                <field>WHENCREATED</field><field>WHENDUE</field><field>TOTAL</field>
                <field>STATE</field><field>PRRECORDKEY</field><field>WHENMODIFIED</field>
        </select>
        <filter><and>
          <equalto><field>DOCPARID</field><value>Contract Invoice</value></equalto>
          <equalto><field>CONTRACTID</field><value>CON-0001</value></equalto>
          <greaterthanorequalto><field>WHENMODIFIED</field>
                                <value>05/01/2024 10:00:00</value></greaterthanorequalto>
        </and></filter>
        <orderby><order><field>WHENMODIFIED</field><ascending/></order></orderby>
      </query>

  then ``ARINVOICE`` by ``RECORDNO`` ``in`` the ``PRRECORDKEY`` values for amounts due.

Departures from Intacct, on purpose:

* No custom fields or custom objects: ``lookup`` lists the standard fields only
  (``ISCUSTOM`` always false) and a custom field name fails like any unknown field.
* ``lookup`` reports ``REQUIRED`` as Intacct's definition does, but a create refuses only
  the missing fields the emulator declares required and its :mod:`rules` check (Intacct
  fills in ``DISPLAYCONTACT`` and friends itself; the emulator leaves them empty).
* query resolves fields of related objects (``SHIPTOCONTACT.CONTACTNAME``,
  ``PARENT.NAME``) one relationship deep and only towards objects this gateway serves
  (:mod:`related`); other paths fail as unknown fields.
* ``ARINVOICEITEM`` and ``RENEWALMACRO`` have no recorded definition: they keep the
  emulator's fields, described by ``lookup`` from their kinds.
* A json/csv result in a request with other functions rides as text in its ``<data>``
  element (Intacct documents only the lone-function answer); error texts of
  ``XL03000010`` leave out the ``[Support ID: …]`` suffix.
"""

from sandbox.emulators.intacct.app import GATEWAY_PATH, IntacctEmulator

__all__ = ["GATEWAY_PATH", "IntacctEmulator"]
