window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "sam@example.org",
      "createdVia" : "web",
      "username" : "samw",
      "accountId" : "1111",
      "createdAt" : "2012-03-04T10:00:00.000Z",
      "accountDisplayName" : "Sam Weber"
    }
  }
]
