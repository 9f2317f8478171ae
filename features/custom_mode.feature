@custom
Feature: Custom mode — CPToken.TokenCreate
  The card is typed into the merchant's own inputs; CPToken.TokenCreate turns it into a token in the
  input #tkn. The merchant must clear every card input before the form is submitted (the spec's
  bold rule), so the submission that leaves the browser carries the token and nothing else.

  Background:
    Given a billing with a credit-card payment method
    And the reference merchant's custom checkout for that billing

  @critical
  Scenario: Every card input is empty at the moment the submission leaves the browser
    When the customer enters the vendor test card on the merchant page
    And the customer starts the purchase
    Then at the moment of submission every card input is empty
    And the gateway's "Success" token is submitted with no card data
    And the merchant shows the registration result "SUCCESS"
    And no card data reached the merchant

  Scenario Outline: A TokenCreate parameter the gateway rejects shows its message and submits nothing
    When the customer enters a card with <field> "<value>" on the merchant page
    And the customer starts the purchase
    Then the merchant shows the gateway message of "<code>"
    And nothing was submitted to the merchant

    Examples: card number, expiry and holder typed by the customer
      | code  | field       | value              |
      | ER055 | card number | 444433332222000    |
      | ER055 | card number | 44443333222200001  |
      | ER055 | card number | 4444a33322221111   |
      | ER014 | card number | 4444333322221112   |
      | ER015 | card number | 9999999999999995   |
      | ER056 | expiry      | (last month)       |
      | ER056 | expiry      | 2913               |
      | ER056 | expiry      | 29a1               |
      | ER057 | first name  | (empty)            |
      | ER057 | first name  | (51 characters)    |
      | ER058 | last name   | (empty)            |
      | ER058 | last name   | (51 characters)    |

  Scenario Outline: A merchant page configured with a wrong parameter shows the gateway's message
    Given the merchant page passes <parameter> "<value>" to TokenCreate
    When the customer enters the vendor test card on the merchant page
    And the customer starts the purchase
    Then the merchant shows the gateway message of "<code>"
    And nothing was submitted to the merchant

    Examples:
      | code  | parameter | value     |
      | ER050 | aid       | 12345     |
      | ER004 | aid       | 000000    |
      | ER064 | md        | (missing) |
      | ER064 | md        | 61        |

  @forced
  Scenario Outline: A shop with the security-code option rejects a bad security code
    Given the shop has the security-code option
    When the customer enters a card with security code "<value>" on the merchant page
    And the customer starts the purchase
    Then the merchant shows the gateway message of "<code>"
    And nothing was submitted to the merchant

    Examples:
      | code  | value   |
      | ER079 | (empty) |
      | ER079 | 12      |
      | ER079 | 12345   |

  @forced
  Scenario: A page whose origin the shop has not registered gets the referer error
    Given the shop has not registered the merchant page's origin
    When the customer enters the vendor test card on the merchant page
    And the customer starts the purchase
    Then the merchant shows the gateway message of "ER002"
    And nothing was submitted to the merchant

  @forced
  Scenario: A token request the gateway drops gives ER000 and the merchant submits nothing
    Given the gateway drops the next token request
    When the customer enters the vendor test card on the merchant page
    And the customer starts the purchase
    Then the merchant shows the gateway message of "ER000"
    And nothing was submitted to the merchant
