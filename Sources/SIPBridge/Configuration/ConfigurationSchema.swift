/// The RELAX NG schema of component.xml.
public enum ConfigurationSchema {
    /// The schema text: a verbatim copy of `Sources/SIPBridge/Resources/component.rng`.
    ///
    /// It is embedded rather than read from the resource bundle so that an
    /// installed binary never depends on finding its bundle; a test checks
    /// that this copy and the resource file are identical. After editing
    /// component.rng, paste it between the delimiters below unchanged
    /// (keeping the empty line before the closing delimiter, which stands
    /// for the file's final newline).
    public static let relaxNG = #"""
<?xml version="1.0" encoding="UTF-8"?>
<!--
  RELAX NG schema for component.xml, the configuration file of jingle-sip-bridge.

  This file is the single source of truth for the structure of the file:
  ConfigurationLoader validates every file against it (via libxml2) and derives
  its error messages from it, and ConfigurationSchema.relaxNG embeds a verbatim
  copy (a test keeps the two identical).

  The loader explains validation errors by interpreting this schema itself, so
  it must keep to a simple style:
    * every element is defined once, by name; element names are unique;
    * the children of an element sit in one <interleave> (order never matters)
      and are wrapped in <optional>, <zeroOrMore> or <oneOrMore> (or nothing,
      meaning exactly one);
    * attributes are plain <attribute>, <optional><attribute>, or a <choice>
      of attributes (exactly one of them);
    * values are <text/>, a <choice> of <value>s, a <list> of those, or <data>
      of type integer, decimal, string or token with the facets minInclusive,
      maxInclusive, minExclusive, maxExclusive and minLength.
  Formats that XML Schema types cannot express well (addresses, JIDs, URIs,
  regular expressions, port ranges) are checked by the loader after validation.
  Defaults live in the Swift model and in docs/configuration.md.
-->
<grammar xmlns="http://relaxng.org/ns/structure/1.0"
         xmlns:a="http://relaxng.org/ns/compatibility/annotations/1.0"
         ns="urn:xmpp:jingle-sip-bridge:config:1"
         datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">

  <start>
    <ref name="bridge"/>
  </start>

  <!-- ============================================================ values -->

  <define name="non-empty">
    <data type="token"><param name="minLength">1</param></data>
  </define>

  <define name="non-empty-string">
    <data type="string"><param name="minLength">1</param></data>
  </define>

  <define name="boolean">
    <choice>
      <value>true</value>
      <value>false</value>
    </choice>
  </define>

  <define name="port">
    <data type="integer">
      <param name="minInclusive">1</param>
      <param name="maxInclusive">65535</param>
    </data>
  </define>

  <!-- A duration in seconds, e.g. "30" or "0.5". -->
  <define name="seconds">
    <data type="decimal">
      <param name="minExclusive">0</param>
      <param name="maxInclusive">86400</param>
    </data>
  </define>

  <define name="transport">
    <choice>
      <value>udp</value>
      <value>tcp</value>
      <value>tls</value>
      <value>ws</value>
      <value>wss</value>
    </choice>
  </define>

  <!-- ============================================================ root -->

  <define name="bridge">
    <element name="bridge">
      <a:documentation>The whole configuration.</a:documentation>
      <interleave>
        <ref name="xmpp"/>
        <optional><ref name="data"/></optional>
        <optional><ref name="admins"/></optional>
        <optional><ref name="access"/></optional>
        <optional><ref name="sip"/></optional>
        <optional><ref name="media"/></optional>
        <optional><ref name="log"/></optional>
      </interleave>
    </element>
  </define>

  <!-- ============================================================ xmpp -->

  <define name="xmpp">
    <element name="xmpp">
      <a:documentation>The XEP-0114 connection to the XMPP server.</a:documentation>
      <attribute name="domain"><ref name="non-empty"/></attribute>
      <optional><attribute name="server"><ref name="non-empty"/></attribute></optional>
      <optional><attribute name="port"><ref name="port"/></attribute></optional>
      <choice>
        <attribute name="secret"><ref name="non-empty-string"/></attribute>
        <attribute name="secret-env"><ref name="non-empty"/></attribute>
        <attribute name="secret-file"><ref name="non-empty"/></attribute>
      </choice>
      <optional><attribute name="reconnect-min"><ref name="seconds"/></attribute></optional>
      <optional><attribute name="reconnect-max"><ref name="seconds"/></attribute></optional>
      <optional><attribute name="ping-interval"><ref name="seconds"/></attribute></optional>
      <optional><attribute name="ping-timeout"><ref name="seconds"/></attribute></optional>
      <optional><attribute name="iq-timeout"><ref name="seconds"/></attribute></optional>
      <optional>
        <attribute name="max-stanza-size">
          <data type="integer">
            <param name="minInclusive">10000</param>
            <param name="maxInclusive">104857600</param>
          </data>
        </attribute>
      </optional>
      <optional>
        <attribute name="max-depth">
          <data type="integer">
            <param name="minInclusive">16</param>
            <param name="maxInclusive">1024</param>
          </data>
        </attribute>
      </optional>
      <optional>
        <attribute name="max-attributes">
          <data type="integer">
            <param name="minInclusive">16</param>
            <param name="maxInclusive">1024</param>
          </data>
        </attribute>
      </optional>
      <optional><attribute name="name"><ref name="non-empty"/></attribute></optional>
    </element>
  </define>

  <!-- ============================================================ data -->

  <define name="data">
    <element name="data">
      <a:documentation>Where the bridge keeps its state.</a:documentation>
      <attribute name="directory"><ref name="non-empty"/></attribute>
    </element>
  </define>

  <!-- ============================================================ admins -->

  <define name="admins">
    <element name="admins">
      <zeroOrMore><ref name="jid"/></zeroOrMore>
    </element>
  </define>

  <define name="jid">
    <element name="jid">
      <a:documentation>A bare JID (user@domain).</a:documentation>
      <ref name="non-empty"/>
    </element>
  </define>

  <!-- ============================================================ access -->

  <define name="access">
    <element name="access">
      <a:documentation>Who may place calls; nobody when absent.</a:documentation>
      <zeroOrMore><ref name="allow"/></zeroOrMore>
    </element>
  </define>

  <define name="allow">
    <element name="allow">
      <choice>
        <attribute name="jid"><ref name="non-empty"/></attribute>
        <attribute name="domain"><ref name="non-empty"/></attribute>
      </choice>
    </element>
  </define>

  <!-- ============================================================ log -->

  <define name="log">
    <element name="log">
      <optional>
        <attribute name="level">
          <choice>
            <value>trace</value>
            <value>debug</value>
            <value>info</value>
            <value>notice</value>
            <value>warning</value>
            <value>error</value>
            <value>critical</value>
          </choice>
        </attribute>
      </optional>
    </element>
  </define>

  <!-- ============================================================ sip -->

  <define name="sip">
    <element name="sip">
      <optional><attribute name="external-address"><ref name="non-empty"/></attribute></optional>
      <optional>
        <attribute name="t1">
          <data type="integer">
            <param name="minInclusive">10</param>
            <param name="maxInclusive">60000</param>
          </data>
        </attribute>
      </optional>
      <optional>
        <attribute name="t2">
          <data type="integer">
            <param name="minInclusive">10</param>
            <param name="maxInclusive">60000</param>
          </data>
        </attribute>
      </optional>
      <optional>
        <attribute name="t4">
          <data type="integer">
            <param name="minInclusive">10</param>
            <param name="maxInclusive">60000</param>
          </data>
        </attribute>
      </optional>
      <optional>
        <attribute name="keepalive-interval">
          <data type="integer">
            <param name="minInclusive">1</param>
            <param name="maxInclusive">3600</param>
          </data>
        </attribute>
      </optional>
      <optional><attribute name="user-agent"><ref name="non-empty"/></attribute></optional>
      <optional>
        <attribute name="session-timer">
          <data type="integer">
            <param name="minInclusive">0</param>
            <param name="maxInclusive">86400</param>
          </data>
        </attribute>
      </optional>
      <optional><attribute name="reliable-provisionals"><ref name="boolean"/></attribute></optional>
      <optional><attribute name="connection-idle-timeout"><ref name="seconds"/></attribute></optional>
      <interleave>
        <zeroOrMore><ref name="listen"/></zeroOrMore>
        <zeroOrMore><ref name="trunk"/></zeroOrMore>
        <zeroOrMore><ref name="route"/></zeroOrMore>
        <zeroOrMore><ref name="inbound"/></zeroOrMore>
        <zeroOrMore><ref name="user"/></zeroOrMore>
        <optional><ref name="limits"/></optional>
      </interleave>
    </element>
  </define>

  <define name="listen">
    <element name="listen">
      <optional><attribute name="transport"><ref name="transport"/></attribute></optional>
      <optional><attribute name="address"><ref name="non-empty"/></attribute></optional>
      <optional><attribute name="port"><ref name="port"/></attribute></optional>
      <optional><attribute name="certificate"><ref name="non-empty"/></attribute></optional>
      <optional><attribute name="private-key"><ref name="non-empty"/></attribute></optional>
    </element>
  </define>

  <define name="trunk">
    <element name="trunk">
      <attribute name="name"><ref name="non-empty"/></attribute>
      <attribute name="uri"><ref name="non-empty"/></attribute>
      <optional><attribute name="transport"><ref name="transport"/></attribute></optional>
      <optional><attribute name="username"><ref name="non-empty"/></attribute></optional>
      <optional><attribute name="password"><ref name="non-empty-string"/></attribute></optional>
      <optional><attribute name="realm"><ref name="non-empty"/></attribute></optional>
      <optional><attribute name="register"><ref name="boolean"/></attribute></optional>
      <optional>
        <attribute name="expires">
          <data type="integer">
            <param name="minInclusive">60</param>
            <param name="maxInclusive">86400</param>
          </data>
        </attribute>
      </optional>
      <optional><attribute name="external-address"><ref name="non-empty"/></attribute></optional>
      <optional>
        <attribute name="codecs">
          <list>
            <oneOrMore>
              <choice>
                <value>PCMU</value>
                <value>PCMA</value>
                <value>G722</value>
                <value>opus</value>
                <value>telephone-event</value>
              </choice>
            </oneOrMore>
          </list>
        </attribute>
      </optional>
      <optional>
        <attribute name="dtmf">
          <choice>
            <value>rfc4733</value>
            <value>info</value>
          </choice>
        </attribute>
      </optional>
      <optional>
        <attribute name="srtp">
          <choice>
            <value>off</value>
            <value>sdes</value>
          </choice>
        </attribute>
      </optional>
      <optional>
        <attribute name="early-media">
          <choice>
            <value>ringback</value>
            <value>accept</value>
          </choice>
        </attribute>
      </optional>
      <optional><attribute name="verify-tls"><ref name="boolean"/></attribute></optional>
      <optional><attribute name="asserted-identity"><ref name="boolean"/></attribute></optional>
      <optional><attribute name="authenticate-inbound"><ref name="boolean"/></attribute></optional>
      <optional>
        <attribute name="qualify">
          <data type="integer">
            <param name="minInclusive">0</param>
            <param name="maxInclusive">3600</param>
          </data>
        </attribute>
      </optional>
      <interleave>
        <zeroOrMore><ref name="allow-from"/></zeroOrMore>
        <zeroOrMore><ref name="failover"/></zeroOrMore>
      </interleave>
    </element>
  </define>

  <define name="allow-from">
    <element name="allow-from">
      <attribute name="address"><ref name="non-empty"/></attribute>
    </element>
  </define>

  <define name="failover">
    <element name="failover">
      <attribute name="uri"><ref name="non-empty"/></attribute>
    </element>
  </define>

  <define name="route">
    <element name="route">
      <attribute name="match"><ref name="non-empty-string"/></attribute>
      <attribute name="trunk"><ref name="non-empty"/></attribute>
      <optional><attribute name="rewrite"><ref name="non-empty"/></attribute></optional>
      <optional>
        <attribute name="emergency">
          <choice>
            <value>deny</value>
            <value>allow</value>
          </choice>
        </attribute>
      </optional>
    </element>
  </define>

  <define name="inbound">
    <element name="inbound">
      <attribute name="did"><ref name="non-empty"/></attribute>
      <attribute name="jid"><ref name="non-empty"/></attribute>
      <optional><attribute name="trunk"><ref name="non-empty"/></attribute></optional>
    </element>
  </define>

  <define name="user">
    <element name="user">
      <attribute name="jid"><ref name="non-empty"/></attribute>
      <attribute name="number"><ref name="non-empty"/></attribute>
      <optional><attribute name="hide-number"><ref name="boolean"/></attribute></optional>
    </element>
  </define>

  <define name="limits">
    <element name="limits">
      <optional>
        <attribute name="calls">
          <data type="integer">
            <param name="minInclusive">1</param>
            <param name="maxInclusive">100000</param>
          </data>
        </attribute>
      </optional>
      <optional>
        <attribute name="calls-per-user">
          <data type="integer">
            <param name="minInclusive">1</param>
            <param name="maxInclusive">100000</param>
          </data>
        </attribute>
      </optional>
      <optional>
        <attribute name="calls-per-minute">
          <data type="integer">
            <param name="minInclusive">1</param>
            <param name="maxInclusive">100000</param>
          </data>
        </attribute>
      </optional>
      <optional><attribute name="ring-timeout"><ref name="seconds"/></attribute></optional>
      <optional><attribute name="rtp-timeout"><ref name="seconds"/></attribute></optional>
      <optional><attribute name="offline-grace"><ref name="seconds"/></attribute></optional>
    </element>
  </define>

  <!-- ============================================================ media -->

  <define name="media">
    <element name="media">
      <optional><attribute name="public-address"><ref name="non-empty"/></attribute></optional>
      <optional><attribute name="bind-address"><ref name="non-empty"/></attribute></optional>
      <optional><attribute name="rtp-ports"><ref name="non-empty"/></attribute></optional>
      <optional><attribute name="ice-lite"><ref name="boolean"/></attribute></optional>
      <optional><attribute name="allow-unencrypted"><ref name="boolean"/></attribute></optional>
      <optional>
        <attribute name="opus-bitrate">
          <data type="integer">
            <param name="minInclusive">6000</param>
            <param name="maxInclusive">510000</param>
          </data>
        </attribute>
      </optional>
      <optional>
        <attribute name="opus-complexity">
          <data type="integer">
            <param name="minInclusive">0</param>
            <param name="maxInclusive">10</param>
          </data>
        </attribute>
      </optional>
      <optional>
        <attribute name="jitter-buffer">
          <data type="integer">
            <param name="minInclusive">20</param>
            <param name="maxInclusive">5000</param>
          </data>
        </attribute>
      </optional>
      <optional><ref name="stun"/></optional>
    </element>
  </define>

  <define name="stun">
    <element name="stun">
      <attribute name="server"><ref name="non-empty"/></attribute>
    </element>
  </define>

</grammar>

"""#
}
