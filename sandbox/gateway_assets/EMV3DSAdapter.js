/*
 * EMV3DSAdapter.js — the sandbox gateway's 3-D Secure 2.0 script (ROBOT PAYMENT emulation).
 *
 *   ThreeDSAdapter.authenticate({tkn, aid, am, tx, sf, em, pn}, callback)   card registration
 *   ThreeDSAdapter.authenticate({tkn, aid, iid, em, pn}, callback)          registered goods
 *
 * callback(resultCode, errMsg): "Success" when the call worked — whether the card holder passed
 * is recorded on the token and shows at credit_card_token (ER900 / ER901) — "Cancel" when the
 * holder cancelled the challenge, or an error code and message. A challenge opens the issuer's
 * page in a gateway-origin frame inside <div id="EMV3DS_INPUT_FORM">. Every request goes to the
 * origin this script was loaded from, so it works from the sandbox and from
 * https://credit.j-payment.co.jp/ served through a browser's request routing.
 */
(function (window, document) {
    "use strict";

    var SCRIPT_PATH = "/gateway/js/EMV3DSAdapter.js";
    var PARAMETERS = ["tkn", "aid", "am", "tx", "sf", "iid", "em", "pn"];
    var CHALLENGE_PATH = /^\/gateway\/3ds\/challenge\/[A-Za-z0-9_\-]+$/;
    var TIMEOUT_MS = 30000;
    var NETWORK_FAILURE = "通信エラーが発生しました。時間をおいて再度お試しください。";
    var NO_GATEWAY = "EMV3DSAdapter.js の読み込み元が特定できません。";
    var NO_CONTAINER = "3Dセキュア認証画面の表示先 (id=\"EMV3DS_INPUT_FORM\") がありません。";

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

    function answer(callback, resultCode, errMsg) {
        if (typeof callback === "function") {
            callback(resultCode, errMsg);
        }
    }

    function later(callback, resultCode, errMsg) {
        // Callbacks are always asynchronous, whatever the outcome, as with a real network call.
        window.setTimeout(function () {
            answer(callback, resultCode, errMsg);
        }, 0);
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
        if (body.challenge !== undefined && (typeof body.challenge !== "string" ||
                !CHALLENGE_PATH.test(body.challenge))) {
            return null;
        }
        return body;
    }

    function postAuthenticate(body, done) {
        var finished = false;
        var xhr = new XMLHttpRequest();

        function finish(result) {
            if (!finished) {
                finished = true;
                done(result);
            }
        }

        xhr.open("POST", gatewayOrigin + "/gateway/3ds/authenticate", true);
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
        // The class rpemvtds is reserved for the vendor's scripts (vendor's PDF).
        var overlay = document.createElement("div");
        overlay.id = "EMV3DS-overlay";
        overlay.className = "rpemvtds";
        overlay.style.cssText = "position:fixed;top:0;right:0;bottom:0;left:0;z-index:2147483000;" +
            "display:flex;align-items:center;justify-content:center;background:rgba(0,0,0,0.5);";
        var dialog = document.createElement("div");
        dialog.className = "rpemvtds";
        dialog.setAttribute("role", "dialog");
        dialog.setAttribute("aria-modal", "true");
        dialog.setAttribute("aria-label", "3Dセキュア本人認証");
        dialog.style.cssText = "background:#fff;border-radius:8px;box-shadow:0 4px 24px rgba(0,0,0,0.3);" +
            "width:420px;max-width:95vw;overflow:hidden;";
        dialog.appendChild(frame);
        overlay.appendChild(dialog);
        return overlay;
    }

    function openChallenge(container, url, callback) {
        var frame = document.createElement("iframe");
        frame.id = "EMV3DS-challenge-frame";
        frame.title = "3Dセキュア本人認証";
        // No referrerpolicy of its own, as CPToken.js: the challenge page sees what the page's policy lets through.
        frame.style.cssText = "display:block;width:100%;height:360px;border:0;";
        frame.src = url;
        var modal = { overlay: buildOverlay(frame), listener: null };
        modal.listener = function (event) {
            if (openModal !== modal || event.origin !== gatewayOrigin || event.source !== frame.contentWindow) {
                return;
            }
            var data = event.data;
            if (!data || typeof data !== "object" || data.source !== "EMV3DSAdapter" ||
                    typeof data.resultCode !== "string" || !data.resultCode || typeof data.errMsg !== "string") {
                return;
            }
            closeModal();
            answer(callback, data.resultCode, data.errMsg);
        };
        window.addEventListener("message", modal.listener, false);
        openModal = modal;
        container.appendChild(modal.overlay);
    }

    function authenticate(params, callback) {
        // A second call while a challenge is open replaces it; the first call's callback never fires.
        closeModal();
        var given = params || {};
        var body = {};
        for (var i = 0; i < PARAMETERS.length; i++) {
            var name = PARAMETERS[i];
            // Left out when the page did not pass it, so the gateway can tell "missing" from "empty".
            if (given[name] !== undefined) {
                body[name] = given[name];
            }
        }
        if (!gatewayOrigin) {
            later(callback, "ER000", NO_GATEWAY);
            return;
        }
        postAuthenticate(body, function (result) {
            if (result.resultCode !== "Success" || !result.challenge) {
                answer(callback, result.resultCode, typeof result.errMsg === "string" ? result.errMsg : "");
                return;
            }
            var container = document.getElementById("EMV3DS_INPUT_FORM");
            if (!container) {
                answer(callback, "ER000", NO_CONTAINER);
                return;
            }
            openChallenge(container, gatewayOrigin + result.challenge, callback);
        });
    }

    window.ThreeDSAdapter = {
        authenticate: authenticate
    };
}(window, document));
