window.YTD.direct_messages.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "1111-2222",
      "messages" : [
        {
          "messageCreate" : {
            "recipientId" : "2222",
            "reactions" : [ ],
            "urls" : [ ],
            "text" : "see you tomorrow",
            "mediaUrls" : [ ],
            "senderId" : "1111",
            "id" : "1798000000000000022",
            "createdAt" : "2024-06-01T20:00:00.000Z",
            "editHistory" : [ ]
          }
        }
      ]
    }
  }
]
