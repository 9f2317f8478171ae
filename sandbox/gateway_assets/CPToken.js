/*
 * CPToken.js — the sandbox gateway's tokenizer script (ROBOT PAYMENT card-token emulation).
 *
 *   CPToken.TokenCreate({aid, cn, ed, fn, ln, cvv, md}, callback)   custom mode
 *   CPToken.CardInfo({aid}, callback)                                popup mode
 *
 * callback(resultCode, errMsg): ("Success", "") with the token written into the element
 * id="tkn", or (code, message) as the gateway answered. Every request goes to the origin this
 * script was loaded from, so it works the same from the sandbox and from
 * https://credit.j-payment.co.jp/ served through a browser's request routing.
 */
(function (window, document) {
    "use strict";

    var SCRIPT_PATH = "/gateway/js/CPToken.js";
    var PARAMETERS = ["aid", "cn", "ed", "fn", "ln", "cvv", "md"];
    var TIMEOUT_MS = 30000;
    var NETWORK_FAILURE = "通信エラーが発生しました。時間をおいて再度お試しください。";
    var NO_GATEWAY = "CPToken.js の読み込み元が特定できません。";
    var NO_CONTAINER = "カード情報入力フォームの表示先 (id=\"CARD_INPUT_FORM\") がありません。";

    // Must be read now: document.currentScript is null once this file has finished running.
    var gatewayOrigin = findGatewayOrigin();
    var openModal = null;

    function originOf(url) {
        try {
            var origin = new URL(url, document.baseURI).origin;
            return origin === "null" ? "" : origin;
        } catch (e) {
            return "";
        }
    }

    function findGatewayOrigin() {
        var current = document.currentScript;
        if (current && current.src) {
            return originOf(current.src);
        }
        var scripts = document.getElementsByTagName("script");
        for (var i = scripts.length - 1; i >= 0; i--) {
            var src = scripts[i].src || "";
            var path = src.split("#")[0].split("?")[0];
            if (path.slice(-SCRIPT_PATH.length) === SCRIPT_PATH) {
                return originOf(src);
            }
        }
        return "";
    }

    function later(callback, resultCode, errMsg) {
        // Callbacks are always asynchronous, whatever the outcome, as with a real network call.
        window.setTimeout(function () {
            answer(callback, resultCode, errMsg);
        }, 0);
    }

    function answer(callback, resultCode, errMsg) {
        if (typeof callback === "function") {
            callback(resultCode, errMsg);
        }
    }

    function normalise(value) {
        // A number (aid: 123456) travels as the digits a form field would have carried.
        if (typeof value === "number" && isFinite(value)) {
            return String(value);
        }
        return value;
    }

    function writeToken(token) {
        var field = document.getElementById("tkn");
        if (!field) {
            return;
        }
        field.value = token;
        var changed = document.createEvent("HTMLEvents");
        changed.initEvent("change", true, false);
        field.dispatchEvent(changed);
    }

    function readAnswer(xhr) {
        var body;
        if (xhr.status !== 200) {
            return null;
        }
        try {
            body = JSON.parse(xhr.responseText);
        } catch (e) {
            return null;
        }
        if (!body || typeof body !== "object" || typeof body.resultCode !== "string" || !body.resultCode) {
            return null;
        }
        if (body.resultCode === "Success" && (typeof body.token !== "string" || !body.token)) {
            return null;
        }
        return {
            resultCode: body.resultCode,
            errMsg: typeof body.errMsg === "string" ? body.errMsg : "",
            token: body.token
        };
    }

    function postToken(body, done) {
        var finished = false;
        var xhr = new XMLHttpRequest();

        function finish(result) {
            if (!finished) {
                finished = true;
                done(result);
            }
        }

        xhr.open("POST", gatewayOrigin + "/gateway/token", true);
        // text/plain keeps it a CORS "simple" request: no preflight from the merchant's origin.
        xhr.setRequestHeader("Content-Type", "text/plain;charset=UTF-8");
        xhr.timeout = TIMEOUT_MS;
        xhr.onload = function () {
            finish(readAnswer(xhr) || { resultCode: "ER000", errMsg: NETWORK_FAILURE });
        };
        xhr.onerror = xhr.ontimeout = xhr.onabort = function () {
            finish({ resultCode: "ER000", errMsg: NETWORK_FAILURE });
        };
        xhr.send(JSON.stringify(body));
    }

    function tokenCreate(params, callback) {
        var body = {};
        var given = params || {};
        for (var i = 0; i < PARAMETERS.length; i++) {
            var name = PARAMETERS[i];
            // Left out when the page did not pass it, so the gateway can tell "missing" from "empty".
            if (given[name] !== undefined) {
                body[name] = normalise(given[name]);
            }
        }
        body.mode = "custom";
        if (!gatewayOrigin) {
            later(callback, "ER000", NO_GATEWAY);
            return;
        }
        postToken(body, function (result) {
            if (result.resultCode === "Success") {
                writeToken(result.token);
                answer(callback, "Success", "");
            } else {
                answer(callback, result.resultCode, result.errMsg);
            }
        });
    }

    function closeModal() {
        var modal = openModal;
        if (!modal) {
            return;
        }
        openModal = null;
        window.removeEventListener("message", modal.listener, false);
        if (modal.overlay.parentNode) {
            modal.overlay.parentNode.removeChild(modal.overlay);
        }
    }

    function buildOverlay(frame) {
        var overlay = document.createElement("div");
        overlay.id = "CPToken-overlay";
        overlay.style.cssText = "position:fixed;top:0;right:0;bottom:0;left:0;z-index:2147483000;" +
            "display:flex;align-items:center;justify-content:center;background:rgba(0,0,0,0.5);";
        var dialog = document.createElement("div");
        dialog.id = "CPToken-dialog";
        dialog.setAttribute("role", "dialog");
        dialog.setAttribute("aria-modal", "true");
        dialog.setAttribute("aria-label", "カード情報入力");
        dialog.style.cssText = "background:#fff;border-radius:8px;box-shadow:0 4px 24px rgba(0,0,0,0.3);" +
            "width:440px;max-width:95vw;overflow:hidden;";
        dialog.appendChild(frame);
        overlay.appendChild(dialog);
        return overlay;
    }

    function cardInfo(params, callback) {
        // A second call while a form is open replaces it; the first call's callback never fires.
        closeModal();
        var container = document.getElementById("CARD_INPUT_FORM");
        if (!gatewayOrigin) {
            later(callback, "ER000", NO_GATEWAY);
            return;
        }
        if (!container) {
            later(callback, "ER000", NO_CONTAINER);
            return;
        }
        var aid = params && params.aid !== undefined && params.aid !== null ? String(normalise(params.aid)) : "";
        var frame = document.createElement("iframe");
        frame.id = "CPToken-card-frame";
        frame.title = "カード情報入力";
        // No referrerpolicy of its own: the card form sees the referrer the page's own policy lets through
        // (the page's origin under the default strict-origin-when-cross-origin, nothing under no-referrer).
        frame.style.cssText = "display:block;width:100%;height:480px;border:0;";
        frame.src = gatewayOrigin + "/gateway/card_form?aid=" + encodeURIComponent(aid);

        var modal = { overlay: buildOverlay(frame), frame: frame, listener: null };
        modal.listener = function (event) {
            if (openModal !== modal || event.origin !== gatewayOrigin || event.source !== frame.contentWindow) {
                return;
            }
            var data = event.data;
            if (!data || typeof data !== "object" || data.source !== "CPToken" ||
                    typeof data.resultCode !== "string" || !data.resultCode || typeof data.errMsg !== "string") {
                return;
            }
            closeModal();
            if (data.resultCode === "Success") {
                if (typeof data.token !== "string" || !data.token) {
                    answer(callback, "ER000", NETWORK_FAILURE);
                    return;
                }
                writeToken(data.token);
                answer(callback, "Success", "");
            } else {
                answer(callback, data.resultCode, data.errMsg);
            }
        };
        window.addEventListener("message", modal.listener, false);
        openModal = modal;
        container.appendChild(modal.overlay);
    }

    window.CPToken = {
        TokenCreate: tokenCreate,
        CardInfo: cardInfo
    };
}(window, document));
