"""Sage Intacct XML gateway emulator (``/ia/xml/xmlgw.phtml``) over an in-memory store.

What a client sees, in short (details in the modules named):

* Envelope (:mod:`envelope`): ``<request><control>…<operation transaction=…>
  <authentication><login>|<sessionid></authentication><content><function controlid=…>``;
  responses ``<response><control><status>`` / ``<operation><authentication><status>`` /
  ``<result><status><function><controlid>[<data>][<errormessage>]``.
* Failure levels and error numbers (:mod:`errors`): control ``XL03000003`` (unreadable
  XML, DTD/entities, dtdversion not 3.0, unknown function) and ``XL03000006`` (sender);
  authentication ``XL03000006`` (sign-in, sender not authorized, invalid/expired session);
  function ``BL01001973``/``BL34000061``; transaction rollback ``XL03000009`` with status
  ``aborted``; gateway throttling HTTP 429 ``GW-0010``.
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
"""

from sandbox.emulators.intacct.app import GATEWAY_PATH, IntacctEmulator

__all__ = ["GATEWAY_PATH", "IntacctEmulator"]
