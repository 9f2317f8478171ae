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
