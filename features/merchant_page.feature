@merchant
Feature: A merchant's own checkout page
  A merchant's QA points the harness at their checkout page with a profile (--merchant-profile).
  Unless --gateway live is given, every request the page makes to the gateway's host is answered
  by the embedded sandbox, so the unmodified page can be driven into every gateway outcome. Each
  check names who is responsible when it fails: the merchant page or the gateway. Without
  --merchant-profile the checks verify the reference merchant's example profiles.

  Background:
    Given the merchant's checkout page from the profile

  @inputs_cleared @critical
  Scenario: Every card input is empty when the submission leaves the browser
    When the customer pays with the profile's test card
    Then every card input was empty when the submission left the browser

  @no_card_data_leaves @critical
  Scenario: No card data leaves the browser for anything but the gateway, nor stays behind in it
    When the customer pays with the profile's test card
    Then no card data left the browser for any origin but the gateway, nor stayed in it

  @errors_handled
  Scenario Outline: On a non-Success resultCode the merchant shows the message and submits nothing
    When the gateway answers "<code>" to the customer's purchase
    Then the merchant shows the failure and submits nothing

    Examples:
      | code   |
      | ER055  |
      | ER014  |
      | ER002  |
      | Cancel |

  @tokenizer_origin
  Scenario: The tokenizer comes from the gateway host
    When the customer pays with the profile's test card
    Then the script that defined CPToken was loaded from the gateway host

  @script_inventory
  Scenario: Every script on the payment page is in the approved inventory (PCI DSS 6.4.3)
    When the payment page has loaded
    Then every script on it is in the approved inventory

  @security_headers
  Scenario: The payment page's security headers match the approved baseline (PCI DSS 11.6.1)
    When the payment page has loaded
    Then its security headers match the approved baseline

  @tokencreate_parameters
  Scenario: The merchant calls the tokenizer with the documented parameters
    When the customer pays with the profile's test card
    Then the tokenizer call carried every documented parameter

  @three_d_secure
  Scenario: On a 3-D Secure page the token reaches the merchant's submission only after its authentication
    When the customer pays with the profile's test card
    Then the submission came only after a successful 3-D Secure authentication of its token

  @three_d_secure
  Scenario: On a 3-D Secure page the merchant submits nothing when the authentication fails
    When 3-D Secure ends with "authentication fails" for the customer's purchase
    Then the merchant handles the 3-D Secure outcome

  @authenticate_parameters
  Scenario: The merchant calls ThreeDSAdapter.authenticate with the documented parameters
    When the customer pays with the profile's test card
    Then the 3-D Secure authentication call carried the documented parameters

  @errors_handled
  Scenario Outline: On a 3-D Secure page the merchant handles a failed or cancelled challenge
    When 3-D Secure ends with "<outcome>" for the customer's purchase
    Then the merchant handles the 3-D Secure outcome

    Examples:
      | outcome          |
      | challenge failed |
      | holder cancelled |

  @referrer_policy
  Scenario: The payment page's referrer policy lets the gateway see its origin
    When the payment page has loaded
    Then its referrer policy lets the gateway see its origin

  @webhook_handler
  Scenario: The merchant's webhook handler answers 2xx, accepts the same event twice and echoes no secret
    When the payment system delivers a webhook event to the profile's endpoint, then delivers it again
    Then the handler acknowledged both deliveries with 2xx and echoed no secret
