window.YTD.direct_message_headers.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "1111-2222",
      "messages" : [
        {
          "messageCreate" : {
            "id" : "1798000000000000002",
            "senderId" : "1111",
            "recipientId" : "2222",
            "createdAt" : "2024-06-02T10:02:30.000Z"
          }
        },
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
  },
  {
    "dmConversation" : {
      "conversationId" : "1111-5555",
      "messages" : [
        {
          "messageCreate" : {
            "id" : "1798000000000000010",
            "senderId" : "5555",
            "recipientId" : "1111",
            "createdAt" : "2024-06-03T08:00:00.000Z"
          }
        }
      ]
    }
  }
]
