@popup
Feature: Popup mode — CPToken.CardInfo
  The gateway's own card form opens inside the merchant page's #CARD_INPUT_FORM. The card is
  typed inside the gateway's frame, which the merchant page cannot read; the merchant's form
  receives only the token in #tkn and submits it.

  Background:
    Given a billing with a credit-card payment method
    And the reference merchant's popup checkout for that billing

  @critical
  Scenario: A card entered in the gateway's form is registered and only the token reaches the merchant
    When the customer starts the purchase
    Then the gateway's card form appears inside the card input area
    And the merchant page cannot read the gateway's card inputs
    When the customer enters the vendor test card in the gateway's form and submits it
    Then the gateway's "Success" token is submitted with no card data
    And the merchant shows the registration result "SUCCESS"
    And no card data reached the merchant

  Scenario: Cancelling the gateway's card form submits nothing
    When the customer starts the purchase
    And the customer cancels the gateway's card form
    Then the merchant shows the gateway message of "Cancel"
    And nothing was submitted to the merchant

  Scenario Outline: A card the gateway rejects shows its message and submits nothing
    When the customer starts the purchase
    And the customer enters a card with <field> "<value>" in the gateway's form and submits it
    Then the merchant shows the gateway message of "<code>"
    And nothing was submitted to the merchant

    Examples:
      | code  | field       | value            |
      | ER014 | card number | 4444333322221112 |
      | ER055 | card number | 444433332222000  |
      | ER057 | first name  | (empty)          |

  @forced
  Scenario: A page whose origin the shop has not registered gets the referer error and submits nothing
    Given the shop has not registered the merchant page's origin
    When the customer starts the purchase
    And the customer enters the vendor test card in the gateway's form and submits it
    Then the merchant shows the gateway message of "ER002"
    And nothing was submitted to the merchant
