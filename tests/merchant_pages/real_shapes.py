"""Checkout pages shaped like real public CPToken.js integrations, unlike the vendor's sample: select boxes with
four-digit years, a card number in four boxes, a token sent by fetch, $.ajax or in a navigation, a token input named
`token`, two forms with an id="tkn" each, a shop that refuses Visa; and twins that each commit one violation."""

from __future__ import annotations

from dataclasses import dataclass

GATEWAY = "https://credit.j-payment.co.jp"
AID = "246810"
PREFIX = "/real"

HEAD = """<!DOCTYPE html>
<html lang="ja">
<head>
    <meta charset="utf-8">
    <title>お支払い</title>
    <script type="text/javascript" src="%(gateway)s/gateway/js/jquery.js"></script>
    <script type="text/javascript" src="%(gateway)s/gateway/js/CPToken.js"></script>
    <script type="text/javascript">%(script)s</script>
</head>
<body>
    <h1>お支払い</h1>
    <p id="error-message" role="alert" hidden></p>
    <div id="result"></div>
%(body)s
</body>
</html>
"""

ERROR = """
        function showError(resultCode, errMsg) {
            $("#error-message").text(errMsg).attr("data-result-code", resultCode).prop("hidden", false);
            window.alert(errMsg);
        }
"""

# Expiry in <select> boxes, the year with four digits: the page computes ed with .slice(2). 姓 before 名.
SELECT_EXPIRY_BODY = """    <form id="payment" action="%(prefix)s/%(name)s/purchase" method="post">
        <label>カード番号 <input type="tel" id="card-no" name="card_no" autocomplete="cc-number"></label>
        <label>有効期限 <select id="exp-month" name="exp_month"><option value="">月</option>%(months)s</select>
        <select id="exp-year" name="exp_year"><option value="">年</option>%(years)s</select></label>
        <label>姓 <input type="text" id="holder-sei" name="sei"></label>
        <label>名 <input type="text" id="holder-mei" name="mei"></label>
        <input type="hidden" id="tkn" name="tkn" value="">
        <button type="button" id="pay" onclick="payNow()">支払う</button>
    </form>"""

SELECT_EXPIRY_SCRIPT = """
        function payNow() {
            CPToken.TokenCreate({
                aid: "%(aid)s",
                cn: $("#card-no").val(),
                ed: $("#exp-year").val().slice(2) + $("#exp-month").val(),
                fn: $("#holder-mei").val(),
                ln: $("#holder-sei").val(),
                md: "10"
            }, done);
        }
        function done(resultCode, errMsg) {
            if (resultCode != "Success") { showError(resultCode, errMsg); return; }
            %(clear)s
            $("#payment").submit();
        }
""" + ERROR

CLEAR_SELECT_EXPIRY = ('$("#card-no").val(""); $("#exp-month").val(""); $("#exp-year").val(""); '
                       '$("#holder-sei").val(""); $("#holder-mei").val("");')
# The twin's defect: the name attributes taken away (so the form posts only the token) instead of clearing.
UNNAME_SELECT_EXPIRY = '$("#payment").find("input, select").not("#tkn").removeAttr("name");'

# The card number in four boxes of four digits; expiry typed into number inputs.
SPLIT_NUMBER_BODY = """    <form id="order" action="%(prefix)s/%(name)s/purchase" method="post">
        <fieldset>カード番号
            <input type="tel" id="cn1" maxlength="4"> - <input type="tel" id="cn2" maxlength="4"> -
            <input type="tel" id="cn3" maxlength="4"> - <input type="tel" id="cn4" maxlength="4">
        </fieldset>
        <label>有効期限(月) <input type="number" id="mm" min="1" max="12"></label>
        <label>有効期限(年) <input type="number" id="yy"></label>
        <label>名 <input type="text" id="given"></label>
        <label>姓 <input type="text" id="family"></label>
        <input type="hidden" id="tkn" name="tkn" value="">
        <input type="button" id="order-button" value="注文する" onclick="order()">
    </form>"""

SPLIT_NUMBER_SCRIPT = """
        function order() {
            var cn = $("#cn1").val() + $("#cn2").val() + $("#cn3").val() + $("#cn4").val();
            var mm = ("0" + $("#mm").val()).slice(-2);
            CPToken.TokenCreate({aid: "%(aid)s", cn: cn, ed: $("#yy").val() + mm, fn: $("#given").val(),
                                 ln: $("#family").val(), md: "10"}, done);
        }
        function done(resultCode, errMsg) {
            if (resultCode != "Success") { showError(resultCode, errMsg); return; }
            $("#cn1, #cn2, #cn3, #cn4, #mm, #yy, #given, #family").val("");
            $("#order").submit();
        }
""" + ERROR

# No form post: the token goes by fetch and the page shows the shop's answer itself.
FETCH_BODY = """    <div id="checkout">
        <input type="text" id="cn"> <input type="text" id="ed_month"> / <input type="text" id="ed_year">
        <input type="text" id="fn"> <input type="text" id="ln">
        <input type="hidden" id="tkn" value="">
        <button type="button" id="purchase" onclick="doPurchase()">購入する</button>
    </div>"""

FETCH_SCRIPT = """
        var typed = "";
        function doPurchase() {
            typed = $("#cn").val();
            CPToken.TokenCreate({aid: "%(aid)s", cn: $("#cn").val(), ed: $("#ed_year").val() + $("#ed_month").val(),
                                 fn: $("#fn").val(), ln: $("#ln").val(), md: "10"}, execPurchase);
        }
        function clearCardInputs() { $("#cn, #ed_year, #ed_month, #fn, #ln").val(""); }
        function execPurchase(resultCode, errMsg) {
            if (resultCode != "Success") { showError(resultCode, errMsg); return; }
            %(before)s
            fetch("%(prefix)s/%(name)s/api/purchase", {method: "POST", headers: {"Content-Type": "application/json"},
                  body: JSON.stringify(%(payload)s)})
                .then(function (r) { return r.json(); })
                .then(function (answer) {
                    %(after)s$("#result").html('<p id="result-code">' + answer.result + '</p>');
                });
        }
""" + ERROR

# A token input named "token", not "tkn" (CPToken.js still writes into id="tkn").
TOKEN_NAMED_BODY = """    <form id="mainform" action="%(prefix)s/%(name)s/purchase" method="post">
        <input type="text" id="cn" name="cn"> <input type="text" id="ed_year" name="ed_year">
        <input type="text" id="ed_month" name="ed_month"> <input type="text" id="fn" name="fn">
        <input type="text" id="ln" name="ln">
        <input type="hidden" id="tkn" name="token" value="">
        <input type="button" id="purchase" value="購入する" onclick="doPurchase()">
    </form>"""

# Two forms, each with an id="tkn" (the second, to keep a card for later, copied from the first).
TWO_FORMS_BODY = TOKEN_NAMED_BODY.replace('name="token"', 'name="tkn"') + """
    <form id="keep-card" action="%(prefix)s/%(name)s/keep" method="post">
        <input type="hidden" id="tkn" name="tkn" value="">
        <input type="submit" value="カードを保存する">
    </form>"""

# A shop that refuses Visa before asking the gateway.
VISA_REFUSED_BODY = TOKEN_NAMED_BODY.replace('name="token"', 'name="tkn"')

FORM_SCRIPT = """
        function doPurchase() {
            %(refuse)sCPToken.TokenCreate({aid: "%(aid)s", cn: $("#cn").val(),
                                 ed: $("#ed_year").val() + $("#ed_month").val(), fn: $("#fn").val(),
                                 ln: $("#ln").val(), md: "10"}, execPurchase);
        }
        function execPurchase(resultCode, errMsg) {
            if (resultCode != "Success") { showError(resultCode, errMsg); return; }
            $("#cn, #ed_year, #ed_month, #fn, #ln").val("");
            $("#mainform").submit();
        }
""" + ERROR

# The token sent with jQuery's $.ajax (form-encoded data), the shop's answer shown by the page.
AJAX_SCRIPT = """
        function doPurchase() {
            CPToken.TokenCreate({aid: "%(aid)s", cn: $("#cn").val(), ed: $("#ed_year").val() + $("#ed_month").val(),
                                 fn: $("#fn").val(), ln: $("#ln").val(), md: "10"}, execPurchase);
        }
        function execPurchase(resultCode, errMsg) {
            if (resultCode != "Success") { showError(resultCode, errMsg); return; }
            var token = $("#tkn").val();
            $("#cn, #ed_year, #ed_month, #fn, #ln, #tkn").val("");
            $.ajax({url: "%(prefix)s/%(name)s/api/purchase", type: "POST", data: {token: token}, dataType: "json",
                    success: function (answer) {
                        $("#result").html('<p id="result-code">' + answer.result + '</p>');
                    }});
        }
""" + ERROR

# No form, no fetch: the page navigates to the shop with the token in the address.
NAVIGATE_SCRIPT = """
        function doPurchase() {
            CPToken.TokenCreate({aid: "%(aid)s", cn: $("#cn").val(), ed: $("#ed_year").val() + $("#ed_month").val(),
                                 fn: $("#fn").val(), ln: $("#ln").val(), md: "10"}, execPurchase);
        }
        function execPurchase(resultCode, errMsg) {
            if (resultCode != "Success") { showError(resultCode, errMsg); return; }
            var token = $("#tkn").val();
            $("#cn, #ed_year, #ed_month, #fn, #ln, #tkn").val("");
            window.location.href = "%(prefix)s/%(name)s/purchase?tkn=" + encodeURIComponent(token);
        }
""" + ERROR

REFUSE_VISA = ('if ($("#cn").val().charAt(0) == "4") { showError("VISA", "Visaカードはご利用いただけません"); '
               'return; }\n            ')

@dataclass(frozen=True)
class Shape:
    """One real-shaped page and its defect (none when compliant); its profile is profiles/real/<name>.toml."""

    name: str
    body: str
    script: str
    script_values: tuple[tuple[str, str], ...] = ()
    defect: str = ""
    twin: str = ""

    @property
    def compliant(self) -> bool:
        return not self.defect

    def html(self) -> str:
        values = {"aid": AID, "prefix": PREFIX, "name": self.name, "gateway": GATEWAY,
                  "months": "".join(f'<option value="{m:02d}">{m}</option>' for m in range(1, 13)),
                  "years": "".join(f'<option value="{y}">{y}</option>' for y in range(2025, 2040)),
                  "refuse": "", **dict(self.script_values)}
        return HEAD % {"gateway": GATEWAY, "script": self.script % values, "body": self.body % values}


FETCH_OK = (("before", "var token = $(\"#tkn\").val(); clearCardInputs();"), ("payload", "{token: token}"),
            ("after", ""))

SHAPES: dict[str, Shape] = {shape.name: shape for shape in (
    Shape("select-expiry", SELECT_EXPIRY_BODY, SELECT_EXPIRY_SCRIPT, (("clear", CLEAR_SELECT_EXPIRY),)),
    Shape("split-number", SPLIT_NUMBER_BODY, SPLIT_NUMBER_SCRIPT),
    Shape("fetch-token", FETCH_BODY, FETCH_SCRIPT, FETCH_OK),
    Shape("token-named", TOKEN_NAMED_BODY, FORM_SCRIPT),
    Shape("navigate-token", FETCH_BODY, NAVIGATE_SCRIPT),
    Shape("ajax-token", FETCH_BODY, AJAX_SCRIPT),
    Shape("two-forms", TWO_FORMS_BODY, FORM_SCRIPT),
    Shape("visa-refused", VISA_REFUSED_BODY, FORM_SCRIPT, (("refuse", REFUSE_VISA),)),
    Shape("fetch-card-in-body", FETCH_BODY, FETCH_SCRIPT,
          (("before", "var token = $(\"#tkn\").val(); clearCardInputs();"),
           ("payload", "{token: token, card_number: typed}"), ("after", "")),
          defect="sends the card number in the fetch body beside the token", twin="fetch-token"),
    Shape("fetch-cleared-late", FETCH_BODY, FETCH_SCRIPT,
          (("before", "var token = $(\"#tkn\").val();"), ("payload", "{token: token}"),
           ("after", "clearCardInputs(); ")),
          defect="clears the card inputs only after the fetch has left", twin="fetch-token"),
    Shape("names-removed", SELECT_EXPIRY_BODY, SELECT_EXPIRY_SCRIPT, (("clear", UNNAME_SELECT_EXPIRY),),
          defect="removes the inputs' name attributes instead of clearing them",
          twin="select-expiry"),
)}
