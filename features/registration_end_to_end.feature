@e2e
Feature: Registration end to end
  A billing is created with bulk_upsert, the card becomes a token in the browser, the merchant's
  server registers it with credit_card_token, and search shows the payment method registered —
  with no full card number anywhere the merchant or the API can see. On a shop that requires 3-D Secure
  (the current spec) the page authenticates the token with ThreeDSAdapter.authenticate, passing the
  email and tel bulk_upsert registered for the billing's individual, before it submits.

  @critical
  Scenario Outline: A card registered through the <mode> mode shows as registered in search
    Given a billing created with bulk_upsert with a credit-card payment method
    And the reference merchant's <mode> checkout for that billing
    When the customer pays with the vendor test card in <mode> mode
    Then the merchant shows the registration result "SUCCESS"
    And search shows the payment method with register_status 5
    And no full card number appears in the search answer or anything the merchant received

    Examples:
      | mode   |
      | popup  |
      | custom |

  @critical
  Scenario Outline: A card registered with 3-D Secure through the <mode> mode shows as registered in search
    Given a billing created with bulk_upsert whose individual has an email and a tel, with a credit-card payment method
    And the shop requires 3-D Secure
    And the reference merchant's <mode> checkout with 3-D Secure for that billing
    When the customer pays with the vendor test card in <mode> mode
    Then 3-D Secure answered "Success" without a challenge
    And the merchant shows the registration result "SUCCESS"
    And search shows the payment method with register_status 5
    And no full card number appears in the search answer or anything the merchant received

    Examples:
      | mode   |
      | popup  |
      | custom |
