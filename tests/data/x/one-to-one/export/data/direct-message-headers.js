window.YTD.direct_message_headers.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "1111-2222",
      "messages" : [
        {
          "messageCreate" : {
            "id" : "1798000000000000001",
            "senderId" : "2222",
            "recipientId" : "1111",
            "createdAt" : "2024-06-02T10:01:00.000Z"
          }
        }
      ]
    }
  }
]
